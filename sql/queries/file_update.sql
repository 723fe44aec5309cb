-- file_update: the holder edits an open file. $1 file, $2 expected version, $3 subject, $4 category,
-- $5 priority (NULL keeps). Columns: the file, its version.
SELECT x.j, x.j->>'version'
FROM (SELECT {schema}.file_update($1::uuid, $2::int, $3, $4, $5) AS j) x
