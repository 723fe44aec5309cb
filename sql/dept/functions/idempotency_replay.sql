-- idempotency_replay: the response a create with this Idempotency-Key (of
-- the caller) gave before, or NULL when there is none (or no key); raises
-- when the key came with a different request. Callers store their response
-- with idempotency_keep in the same transaction. Both read and write the
-- catalog's one store of keys (daftar.idempotency_replay, catalog 0027).
CREATE OR REPLACE FUNCTION {schema}.idempotency_replay(p_key text, p_request_hash text) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT daftar.idempotency_replay(p_key, p_request_hash) -> 'response'
$$;
