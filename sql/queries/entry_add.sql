-- entry_add: the establishment enters a draft in an officer's service book.
SELECT entry, version FROM {schema}.entry_add($1, $2, $3::date, $4, $5::integer)
