-- officer_create_again: a createOfficer retried with its Idempotency-Key
-- (p_reply: what daftar.idempotency_replay answered, NULL when nothing is
-- kept). The first answer's temporary password went with the lost response
-- and is kept nowhere, so while the officer has not yet chosen a password
-- (must_change) the retry's fresh temporary password (hashed: p_hash)
-- replaces it; the reply says so in "temporary" (false: the officer has
-- chosen one, and the retry shows none). NULL for NULL.
CREATE OR REPLACE FUNCTION daftar.officer_create_again(p_reply json, p_hash text) RETURNS json
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
BEGIN
    IF p_reply IS NULL THEN
        RETURN NULL;
    END IF;
    UPDATE daftar.credentials SET password_hash = p_hash
    WHERE uid = p_reply->'officer'->>'uid' AND must_change;
    RETURN json_build_object('replayed', true, 'officer', p_reply->'officer', 'temporary', FOUND);
END
$$;
GRANT EXECUTE ON FUNCTION daftar.officer_create_again(json, text) TO daftar_api;
