-- file_decide: approve or reject. $1 file, $2 expected version, $3 action, $4 remarks.
-- Columns: the file after the decision, its version.
SELECT x.j, x.j->>'version'
FROM (SELECT {schema}.file_decide($1::uuid, $2::int, $3, $4) AS j) x
