-- assignment_create: a mandatory course for an audience ($1 true: of every department, by
-- training_admin; else of the request's department, by its nodal officer).
SELECT assignment, version FROM {schema}.assignment_create($1::boolean, $2::uuid, $3, $4, $5::date, $6::integer)
