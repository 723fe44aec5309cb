-- idempotency_replay: what a create sent with this Idempotency-Key by the
-- request's officer, in the scope (role) it runs as, answered the first time, as
-- {"replayed": true, "<name>": thing}; NULL when there is no key or nothing
-- kept (the create goes ahead and ends with idempotency_keep in the same
-- transaction). The same key with another request (its hash: method, path and
-- body, or what the family binds) is refused. A create statement reads:
--   SELECT coalesce(daftar.idempotency_replay($k, $h),
--                   daftar.idempotency_keep($k, $h, 'thing', (SELECT ... the create ...)))
-- (coalesce evaluates the create only when there is nothing to replay).
CREATE OR REPLACE FUNCTION daftar.idempotency_replay(p_key text, p_request_hash text) RETURNS json
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog AS $$
DECLARE
    v daftar.idempotency;
BEGIN
    IF p_key IS NULL THEN
        RETURN NULL;
    END IF;
    SELECT * INTO v FROM daftar.idempotency
    WHERE uid = current_setting('daftar.officer_uid') AND scope = current_setting('role') AND key = p_key;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    IF v.request_hash <> p_request_hash THEN
        RAISE EXCEPTION 'This Idempotency-Key was used with a different request.'
            USING ERRCODE = 'DF422', HINT = 'idempotency-key-reused';
    END IF;
    RETURN json_build_object('replayed', true, v.name, v.thing);
END
$$;
GRANT EXECUTE ON FUNCTION daftar.idempotency_replay(text, text) TO daftar_api, daftar_dept, daftar_state;
