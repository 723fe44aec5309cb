-- filing_head_update: see {schema}.filing_head_update. $1 head, $2 expected version, $3 name, $4 name in Hindi,
-- $5 retention category, $6 retention years, $7 active (each null = unchanged). Columns: the head, its version.
SELECT x.j, x.j->>'version'
FROM (SELECT {schema}.filing_head_update($1::uuid, $2::int, $3, $4, $5, $6::int, $7::boolean) AS j) x
