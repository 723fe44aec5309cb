-- idempotency_keep: stores a create's response under the caller's
-- Idempotency-Key (nothing without a key), for idempotency_replay.
CREATE OR REPLACE FUNCTION {schema}.idempotency_keep(p_key text, p_request_hash text, p_response json) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO {schema}.idempotency (key, uid, request_hash, response)
    SELECT p_key, {schema}.me(), p_request_hash, p_response WHERE p_key IS NOT NULL
$$;
