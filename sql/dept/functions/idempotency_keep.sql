-- idempotency_keep: stores a create's response under the caller's
-- Idempotency-Key (nothing without a key), for idempotency_replay: in the
-- catalog's one store of keys (daftar.idempotency_keep, catalog 0027), which
-- every scope uses and idempotency_ttl_s expires; this department's own table
-- (0002) is no longer written.
CREATE OR REPLACE FUNCTION {schema}.idempotency_keep(p_key text, p_request_hash text, p_response json) RETURNS void
LANGUAGE sql AS $$
    SELECT FROM daftar.idempotency_keep(p_key, p_request_hash, 'response', p_response)
$$;
