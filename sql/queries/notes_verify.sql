-- notes_verify: recomputes the chain of final notes of a file the caller may see.
SELECT x.j FROM (SELECT {schema}.notes_verify($1::uuid) AS j) x WHERE x.j IS NOT NULL
