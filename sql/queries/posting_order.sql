-- posting_order: the establishment orders a posting, transfer or promotion of an officer. $8
-- Idempotency-Key or null, $9 the request's hash: a retry answers the first order (daftar.idempotency_replay).
SELECT x.j, x.j->'posting'->>'version'
FROM (SELECT coalesce(daftar.idempotency_replay($8, $9), daftar.idempotency_keep($8, $9, 'posting',
          (SELECT p.posting FROM {schema}.posting_order($1, $2, $3, $4, string_to_array($5, ','), $6, $7::date) p))) AS j) x
