-- file_weed: weeds file $1 on order $2 of officer $3: $4 the hash signed, $5 certificate fingerprint, $6 subject,
-- $7 issuer, $8 serial, $9 certificate not_after, $10 CMS signing time or null, $11 the CMS (binary).
SELECT {schema}.file_weed($1::uuid, $2, $3, $4, $5, $6, $7, $8, $9::timestamptz, $10::timestamptz, $11::bytea)
