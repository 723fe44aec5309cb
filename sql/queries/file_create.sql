-- file_create: see {schema}.file_create. $1 subject, $2 category, $3 section, $4 classification,
-- $5 priority, $6 Idempotency-Key or null, $7 request hash, $8 head of the filing scheme or null.
-- Columns: the result, the file's version.
SELECT x.j, x.j->'file'->>'version'
FROM (SELECT {schema}.file_create($1, $2, $3, $4, $5, $6, $7, $8::uuid) AS j) x
