-- receipt_create: see {schema}.receipt_create. $1 sender, $2 letter number, $3 letter date, $4 received on,
-- $5 mode, $6 subject, $7 classification, $8 idempotency key or null, $9 request hash.
-- Columns: {"replayed", "receipt"}, the receipt's version (its ETag).
SELECT x.j, x.j->'receipt'->>'version'
FROM (SELECT {schema}.receipt_create($1, $2, $3::date, $4::date, $5, $6, $7, $8, $9) AS j) x
