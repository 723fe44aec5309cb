-- part_open: see {schema}.part_open. $1 main file, $2 subject or null, $3 Idempotency-Key or null, $4 request hash.
-- Columns: {"replayed", "file"}, the part's version.
SELECT x.j, x.j->'file'->>'version' FROM (SELECT {schema}.part_open($1::uuid, $2, $3, $4) AS j) x
