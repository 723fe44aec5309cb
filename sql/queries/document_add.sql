-- document_add: see {schema}.document_add. $1 file, $2 filename, $3 type, $4 size, $5 sha256,
-- $6 encrypted, $7 content (binary), $8 Idempotency-Key or null, $9 the request's hash.
SELECT {schema}.document_add($1::uuid, $2, $3, $4::bigint, $5, $6::boolean, $7::bytea, $8, $9)
