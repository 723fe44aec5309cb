-- leave_apply: the caller applies for leave in the request's department. $6 Idempotency-Key or null,
-- $7 the request's hash: a retry answers the first application (daftar.idempotency_replay; coalesce
-- runs the create only when there is nothing to replay). Columns: the reply, the application's version.
SELECT x.j, x.j->'application'->>'version'
FROM (SELECT coalesce(daftar.idempotency_replay($6, $7), daftar.idempotency_keep($6, $7, 'application',
          (SELECT a.application FROM {schema}.leave_apply($1, $2::date, $3::date, $4, $5::uuid) a))) AS j) x
