-- certificate_add: registers a verified certificate for the caller. $1 fingerprint, $2 subject, $3 issuer,
-- $4 serial, $5 not_before, $6 not_after, $7 DER (binary).
SELECT daftar.certificate_add($1, $2, $3, $4, $5::timestamptz, $6::timestamptz, $7::bytea)
