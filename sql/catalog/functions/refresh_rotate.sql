-- refresh_rotate: the function in force. `daftar migrate` re-applies this file
-- when it changes; earlier bodies are history in sql/catalog/ 0002.
-- Rotates a refresh token: marks it used and stores its successor, or, when
-- it was used before, revokes its whole family (a stolen token was replayed).
-- A token of an older generation than its officer's (catalog 0017: a reset
-- or password change since) revokes its family too; the successor inherits
-- the family's generation, so a rotation that commits after a reset has
-- raised the generation hands out a dead token (security review item 4).
-- A used token presented again within p_replay_s seconds of its rotation, while
-- its successor is unused and the officer's tokens still stand, answers
-- 'replay' with the successor sealed under the used token (catalog 0025): the
-- client whose answer was lost gets the same successor. After that window, or
-- once the successor was used, it is reuse as before.
DROP FUNCTION IF EXISTS daftar.refresh_rotate(text, text, integer);
CREATE OR REPLACE FUNCTION daftar.refresh_rotate(p_old text, p_new text, p_ttl_seconds integer,
                                                 p_successor_sealed text DEFAULT NULL, p_replay_s integer DEFAULT 0)
RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    t daftar.refresh_tokens;
    o daftar.officers;
BEGIN
    SELECT * INTO t FROM daftar.refresh_tokens WHERE token_hash = p_old FOR UPDATE;
    IF NOT FOUND OR t.revoked_at IS NOT NULL OR t.expires_at < now() THEN
        RETURN json_build_object('status', 'invalid');
    END IF;
    SELECT * INTO o FROM daftar.officers WHERE uid = t.uid;
    IF t.used_at IS NOT NULL THEN
        IF p_replay_s > 0 AND t.used_at > now() - make_interval(secs => p_replay_s) AND t.successor_sealed IS NOT NULL
           AND t.gen = o.token_generation AND o.status = 'active'
           AND EXISTS (SELECT 1 FROM daftar.refresh_tokens s
                       WHERE s.token_hash = t.successor_hash AND s.used_at IS NULL AND s.revoked_at IS NULL
                         AND s.expires_at > now()) THEN
            RETURN (daftar.refresh_answer('replay', t) || jsonb_build_object('successor', t.successor_sealed))::json;
        END IF;
        UPDATE daftar.refresh_tokens SET revoked_at = now() WHERE family = t.family AND revoked_at IS NULL;
        RETURN json_build_object('status', 'reuse');
    END IF;
    IF t.gen <> o.token_generation THEN
        UPDATE daftar.refresh_tokens SET revoked_at = now() WHERE family = t.family AND revoked_at IS NULL;
        RETURN json_build_object('status', 'invalid');
    END IF;
    IF o.status <> 'active' THEN
        RETURN json_build_object('status', 'invalid');
    END IF;
    UPDATE daftar.refresh_tokens SET used_at = now(), successor_hash = p_new, successor_sealed = p_successor_sealed
    WHERE token_hash = p_old;
    INSERT INTO daftar.refresh_tokens (token_hash, family, uid, amr, expires_at, gen)
    VALUES (p_new, t.family, t.uid, t.amr, now() + make_interval(secs => p_ttl_seconds), t.gen);
    RETURN daftar.refresh_answer('ok', t)::json;
END
$$;
REVOKE EXECUTE ON FUNCTION daftar.refresh_rotate(text, text, integer, text, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION daftar.refresh_rotate(text, text, integer, text, integer) TO daftar_api;
