-- batch_create: training_admin schedules a classroom batch of course $1: days $2..$3, venue $4, capacity $5.
-- $6 Idempotency-Key or null, $7 the request's hash: a retry answers the first batch (daftar.idempotency_replay).
SELECT x.j, x.j->'batch'->>'version'
FROM (SELECT coalesce(daftar.idempotency_replay($6, $7),
                      daftar.idempotency_keep($6, $7, 'batch',
                                              {schema}.batch_create($1::uuid, $2::date, $3::date, $4, $5::integer))) AS j) x
