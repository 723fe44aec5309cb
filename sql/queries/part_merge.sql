-- part_merge: see {schema}.part_merge. $1 part file, $2 its expected version. Columns: {"file", "part", "merged"},
-- the main file's version.
SELECT x.j, x.j->'file'->>'version' FROM (SELECT {schema}.part_merge($1::uuid, $2::int) AS j) x
