-- import_completions: the nodal officer (or its service account) records completions $2 from
-- platform $1, with the rows $3 the server refused itself; every row's result.
SELECT {schema}.import_completions($1, $2::jsonb, $3::jsonb)
