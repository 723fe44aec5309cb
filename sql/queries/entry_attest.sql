-- entry_attest: the head of office attests a draft entry (If-Match version).
SELECT entry, version FROM {schema}.entry_attest($1, $2::integer, $3::integer)
