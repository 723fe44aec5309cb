-- file_move: see {schema}.file_move. $1 file, $2 expected version, $3 action, $4 to (uid or null),
-- $5 remarks, $6 due date or null. Columns: the file after the move, its version.
SELECT x.j, x.j->>'version'
FROM (SELECT {schema}.file_move($1::uuid, $2::int, $3, $4, $5, $6::date) AS j) x
