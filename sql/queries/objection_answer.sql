-- objection_answer: the establishment answers an open objection.
SELECT {schema}.objection_answer($1, $2::bigint, $3, $4, $5::integer)
