-- certificate_check: the facts behind certificate claims $1 whose signature the server checked.
SELECT {schema}.certificate_check($1::jsonb)
