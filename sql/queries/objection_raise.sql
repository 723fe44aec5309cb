-- objection_raise: the officer objects to an attested entry of their own book. $4 Idempotency-Key or
-- null, $5 the request's hash: a retry answers the first objection (daftar.idempotency_replay).
SELECT coalesce(daftar.idempotency_replay($4, $5),
                daftar.idempotency_keep($4, $5, 'objection', {schema}.objection_raise($1, $2::integer, $3)))
