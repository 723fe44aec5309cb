-- objection_raise: the officer objects to an attested entry of their own book.
SELECT {schema}.objection_raise($1, $2::integer, $3)
