-- password_set: the function in force. `daftar migrate` re-applies this file
-- when it changes; earlier bodies are history in sql/catalog/ 0003.
-- 0003_password_set: an officer's own password change, as one function the
-- API role may call (it has no UPDATE on password_hash itself). Returns the
-- officer's claims in the new token generation.
-- The officer is the one set for the calling transaction (daftar.officer_uid),
-- never a parameter: the API role cannot change someone else's password.
CREATE OR REPLACE FUNCTION daftar.password_set(p_hash text, p_refresh text, p_amr text[], p_ttl integer) RETURNS json
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
DECLARE
    p_uid text := current_setting('daftar.officer_uid', true);
BEGIN
    IF p_uid IS NULL OR p_uid = '' THEN
        RAISE EXCEPTION 'no officer' USING ERRCODE = 'DF403';
    END IF;
    UPDATE daftar.credentials SET password_hash = p_hash, must_change = false, password_changed_at = now() WHERE uid = p_uid;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no officer' USING ERRCODE = 'DF403';
    END IF;
    PERFORM daftar.login_refund(p_uid); -- the current password was right (login_begin reserved a guess)
    UPDATE daftar.officers
    SET token_generation = token_generation + 1, generation_changed_at = now(), updated_at = now()
    WHERE uid = p_uid;
    UPDATE daftar.refresh_tokens SET revoked_at = now() WHERE uid = p_uid AND revoked_at IS NULL;
    INSERT INTO daftar.refresh_tokens (token_hash, family, uid, amr, expires_at, gen)
    SELECT p_refresh, gen_random_uuid(), p_uid, p_amr, now() + make_interval(secs => p_ttl), token_generation
    FROM daftar.officers WHERE uid = p_uid;
    PERFORM pg_notify('daftar_revocations', p_uid);
    RETURN daftar.officer_claims(p_uid);
END
$$;
