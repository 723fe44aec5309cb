-- flags_list: the nodal officer reads the flags of the department's officers, $1 a page after flag $2.
SELECT {schema}.flags_list($1::integer, $2::bigint)
