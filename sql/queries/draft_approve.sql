-- draft_approve: see {schema}.draft_approve. $1 file, $2 draft, $3 version (If-Match), $4 remarks, then the
-- signature the server verified, or nulls: $5 hash, $6 fingerprint, $7 subject, $8 issuer, $9 serial,
-- $10 not after, $11 signing time, $12 CMS (binary).
SELECT draft, version FROM {schema}.draft_approve($1::uuid, $2::uuid, $3::int, $4, $5, $6, $7, $8, $9, $10::timestamptz,
                                                  $11::timestamptz, $12::bytea)
