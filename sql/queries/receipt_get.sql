-- receipt_get: one receipt the caller may see. Columns: the receipt, its version (the ETag marks need).
SELECT x.j, x.j->>'version' FROM (SELECT {schema}.receipt_get($1::uuid) AS j) x WHERE x.j IS NOT NULL
