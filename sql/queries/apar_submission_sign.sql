-- apar_submission_sign: stores a verified signature. $1 form, $2 seq, $3 hash signed, $4 certificate fingerprint,
-- $5 subject, $6 issuer, $7 serial, $8 certificate not_after, $9 CMS signing time or null, $10 the CMS (binary).
SELECT {schema}.submission_sign($1::uuid, $2::integer, $3, $4, $5, $6, $7, $8::timestamptz, $9::timestamptz, $10::bytea)
