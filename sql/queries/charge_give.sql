-- charge_give: the head of office or dept_admin gives an officer's acting charge to another. $6
-- Idempotency-Key or null, $7 the request's hash: a retry answers the first charge (daftar.idempotency_replay).
SELECT coalesce(daftar.idempotency_replay($6, $7),
                daftar.idempotency_keep($6, $7, 'charge', {schema}.charge_give($1, $2, $3::date, $4::date, $5)))
