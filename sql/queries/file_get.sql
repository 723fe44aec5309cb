-- file_get: one file the caller may see (see {schema}.file_get), and its version for the ETag.
SELECT x.j, x.j->>'version'
FROM (SELECT {schema}.file_get($1::uuid) AS j) x
WHERE x.j IS NOT NULL
