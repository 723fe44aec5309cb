-- entry_add: the establishment enters a draft in an officer's service book. $6 Idempotency-Key or
-- null, $7 the request's hash: a retry answers the first entry (daftar.idempotency_replay).
SELECT x.j, x.j->'entry'->>'version'
FROM (SELECT coalesce(daftar.idempotency_replay($6, $7), daftar.idempotency_keep($6, $7, 'entry',
          (SELECT e.entry FROM {schema}.entry_add($1, $2, $3::date, $4, $5::integer) e))) AS j) x
