-- refresh_rotate: the function in force. `daftar migrate` re-applies this file
-- when it changes; earlier bodies are history in sql/catalog/ 0002.
-- Rotates a refresh token: marks it used and stores its successor, or, when
-- it was used before, revokes its whole family (a stolen token was replayed).
-- A token of an older generation than its officer's (catalog 0017: a reset
-- or password change since) revokes its family too; the successor inherits
-- the family's generation, so a rotation that commits after a reset has
-- raised the generation hands out a dead token (security review item 4).
CREATE OR REPLACE FUNCTION daftar.refresh_rotate(p_old text, p_new text, p_ttl_seconds integer) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    t daftar.refresh_tokens;
    o daftar.officers;
BEGIN
    SELECT * INTO t FROM daftar.refresh_tokens WHERE token_hash = p_old FOR UPDATE;
    IF NOT FOUND OR t.revoked_at IS NOT NULL OR t.expires_at < now() THEN
        RETURN json_build_object('status', 'invalid');
    END IF;
    IF t.used_at IS NOT NULL THEN
        UPDATE daftar.refresh_tokens SET revoked_at = now() WHERE family = t.family AND revoked_at IS NULL;
        RETURN json_build_object('status', 'reuse');
    END IF;
    SELECT * INTO o FROM daftar.officers WHERE uid = t.uid;
    IF t.gen <> o.token_generation THEN
        UPDATE daftar.refresh_tokens SET revoked_at = now() WHERE family = t.family AND revoked_at IS NULL;
        RETURN json_build_object('status', 'invalid');
    END IF;
    IF o.status <> 'active' THEN
        RETURN json_build_object('status', 'invalid');
    END IF;
    UPDATE daftar.refresh_tokens SET used_at = now() WHERE token_hash = p_old;
    INSERT INTO daftar.refresh_tokens (token_hash, family, uid, amr, expires_at, gen)
    VALUES (p_new, t.family, t.uid, t.amr, now() + make_interval(secs => p_ttl_seconds), t.gen);
    RETURN json_build_object('status', 'ok', 'uid', t.uid, 'amr', to_json(t.amr), 'claims', daftar.officer_claims(t.uid),
                             'must_change', (SELECT must_change FROM daftar.credentials WHERE uid = t.uid),
                             'otp_enrol', (SELECT daftar.totp_required(t.uid) AND NOT totp_enabled  -- defined in 0004
                                           FROM daftar.credentials WHERE uid = t.uid));
END
$$;
