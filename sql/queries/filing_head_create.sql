-- filing_head_create: see {schema}.filing_head_create. $1 parent head or null, $2 code, $3 name, $4 name in Hindi,
-- $5 retention category, $6 retention years or null, $7 Idempotency-Key or null, $8 request hash.
-- Columns: {"replayed", "head"}, the head's version.
SELECT x.j, x.j->'head'->>'version'
FROM (SELECT {schema}.filing_head_create($1::uuid, $2, $3, $4, $5, $6::int, $7, $8) AS j) x
