-- login_ok: the function in force. `daftar migrate` re-applies this file
-- when it changes; earlier bodies are history in sql/catalog/ 0004.
-- A successful login: consumes the TOTP step (p_step 0 = no code used; a
-- step not later than the last one is a replay: false), gives back the
-- attempt login_begin reserved and starts a refresh family in p_gen, the
-- officer's token generation when login_begin read the credentials that
-- were checked: a second-factor reset or password change since then has
-- raised the generation, and the family is dead from its start (catalog
-- 0017; security review item 4).
CREATE OR REPLACE FUNCTION daftar.login_ok(p_uid text, p_refresh text, p_amr text[], p_ttl integer, p_step bigint,
                                           p_gen integer) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
BEGIN
    IF p_step > 0 THEN
        UPDATE daftar.credentials SET totp_last_step = p_step WHERE uid = p_uid AND totp_last_step < p_step;
        IF NOT FOUND THEN
            RETURN false;
        END IF;
    END IF;
    PERFORM daftar.login_refund(p_uid);
    INSERT INTO daftar.refresh_tokens (token_hash, family, uid, amr, expires_at, gen)
    VALUES (p_refresh, gen_random_uuid(), p_uid, p_amr, now() + make_interval(secs => p_ttl), p_gen);
    RETURN true;
END
$$;
REVOKE EXECUTE ON FUNCTION daftar.login_ok(text, text, text[], integer, bigint, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION daftar.login_ok(text, text, text[], integer, bigint, integer) TO daftar_api;
