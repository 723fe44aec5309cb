-- idempotency_keep: keeps what a create made (p_thing, the reply's member
-- p_name) under the request's Idempotency-Key (nothing without one), for
-- idempotency_replay, and returns the reply {"replayed": false, "<name>": thing}.
-- Two requests with one key at once: the second waits for the first's commit,
-- then is refused (its create rolls back with it); sent again, it gets the
-- first's answer. idempotency_expire removes keys after idempotency_ttl_s.
CREATE OR REPLACE FUNCTION daftar.idempotency_keep(p_key text, p_request_hash text, p_name text, p_thing json)
RETURNS json
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
BEGIN
    IF p_key IS NOT NULL THEN
        INSERT INTO daftar.idempotency (uid, scope, key, request_hash, name, thing)
        VALUES (current_setting('daftar.officer_uid'), current_setting('role'), p_key, p_request_hash, p_name, p_thing)
        ON CONFLICT DO NOTHING;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'A request with this Idempotency-Key was answered meanwhile; send it again for that answer.'
                USING ERRCODE = 'DF409', HINT = 'idempotency-key-in-flight';
        END IF;
    END IF;
    RETURN json_build_object('replayed', false, p_name, p_thing);
END
$$;
GRANT EXECUTE ON FUNCTION daftar.idempotency_keep(text, text, text, json) TO daftar_api, daftar_dept, daftar_state;

