-- dak_list: see {schema}.dak_incoming. $1 status (waiting | acknowledged | '' = both), $2 cursor, $3 limit.
SELECT {schema}.dak_incoming($1, $2, $3::int)
