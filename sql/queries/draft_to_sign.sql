-- draft_to_sign: see {schema}.draft_to_sign. $1 file, $2 draft, $3 version (If-Match).
SELECT {schema}.draft_to_sign($1::uuid, $2::uuid, $3::int)
