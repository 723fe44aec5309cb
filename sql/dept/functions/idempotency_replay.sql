-- idempotency_replay: the response a create with this Idempotency-Key (of
-- the caller) gave before, or NULL when there is none (or no key); raises
-- when the key came with a different request. Callers store their response
-- with idempotency_keep in the same transaction.
CREATE OR REPLACE FUNCTION {schema}.idempotency_replay(p_key text, p_request_hash text) RETURNS json
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_done {schema}.idempotency;
BEGIN
    SELECT * INTO v_done FROM {schema}.idempotency WHERE uid = {schema}.me() AND key = p_key;
    IF FOUND AND v_done.request_hash <> p_request_hash THEN
        RAISE EXCEPTION 'This Idempotency-Key was used with a different request.' USING ERRCODE = 'DF422';
    END IF;
    RETURN v_done.response;
END
$$;
