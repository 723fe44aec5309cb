-- assignment_create: a mandatory course for an audience ($1 true: of every department, by
-- training_admin; else of the request's department, by its nodal officer). $7 Idempotency-Key or null,
-- $8 the request's hash: a retry answers the first assignment (daftar.idempotency_replay).
SELECT x.j, x.j->'assignment'->>'version'
FROM (SELECT coalesce(daftar.idempotency_replay($7, $8), daftar.idempotency_keep($7, $8, 'assignment',
          (SELECT a.assignment FROM {schema}.assignment_create($1::boolean, $2::uuid, $3, $4, $5::date, $6::integer) a))) AS j) x
