-- entry_edit: the establishment changes a draft entry (If-Match version).
SELECT entry, version FROM {schema}.entry_edit($1, $2::integer, $3::integer, $4, $5::date, $6)
