-- 0004_totp: second factor (RFC 6238). Secrets are stored encrypted by the
-- server under the master key; the database never sees them in clear. The
-- API role changes second-factor state only through these functions, for
-- the officer of the calling transaction (daftar.officer_uid).

-- dept_admin anywhere, or clearance confidential and above, needs a second factor.
CREATE FUNCTION daftar.totp_required(p_uid text) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT o.clearance IN ('confidential', 'secret')
        OR EXISTS (SELECT 1 FROM daftar.memberships m WHERE m.uid = o.uid AND 'dept_admin' = ANY (m.roles))
    FROM daftar.officers o WHERE o.uid = p_uid
$$;

CREATE FUNCTION daftar.totp_begin(p_secret_enc text) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
DECLARE
    p_uid text := current_setting('daftar.officer_uid', true);
BEGIN
    UPDATE daftar.credentials SET totp_secret = p_secret_enc WHERE uid = p_uid AND NOT totp_enabled;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'A second factor is already enrolled; an administrator must reset it first.' USING ERRCODE = 'DF409';
    END IF;
    RETURN 'ok';
END
$$;

CREATE FUNCTION daftar.totp_confirm(p_step bigint) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
DECLARE
    p_uid text := current_setting('daftar.officer_uid', true);
BEGIN
    UPDATE daftar.credentials SET totp_enabled = true, totp_last_step = p_step
    WHERE uid = p_uid AND NOT totp_enabled AND totp_secret IS NOT NULL AND totp_last_step < p_step;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'Nothing to confirm: start enrolment first.' USING ERRCODE = 'DF409';
    END IF;
    RETURN 'ok';
END
$$;

-- A department admin removes the second factor of an officer of the same department.
CREATE FUNCTION daftar.totp_disable(p_target text, p_dept text) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
DECLARE
    p_uid text := current_setting('daftar.officer_uid', true);
BEGIN
    IF NOT EXISTS (SELECT 1 FROM daftar.memberships WHERE uid = p_uid AND dept = p_dept AND 'dept_admin' = ANY (roles)) THEN
        RAISE EXCEPTION 'Only the department''s administrators may do this.' USING ERRCODE = 'DF403';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM daftar.memberships WHERE uid = p_target AND dept = p_dept) THEN
        RAISE EXCEPTION 'No such officer in this department.' USING ERRCODE = 'DF404';
    END IF;
    UPDATE daftar.credentials SET totp_enabled = false, totp_secret = NULL WHERE uid = p_target;
    UPDATE daftar.officers SET token_generation = token_generation + 1, generation_changed_at = now() WHERE uid = p_target;
    PERFORM pg_notify('daftar_revocations', p_target);
    RETURN 'ok';
END
$$;

-- A successful login: consumes the TOTP step (p_step 0 = no code used; a
-- step not later than the last one is a replay: false), resets failures and
-- starts a refresh family.
CREATE FUNCTION daftar.login_ok(p_uid text, p_refresh text, p_amr text[], p_ttl integer, p_step bigint) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
BEGIN
    IF p_step > 0 THEN
        UPDATE daftar.credentials SET totp_last_step = p_step WHERE uid = p_uid AND totp_last_step < p_step;
        IF NOT FOUND THEN
            RETURN false;
        END IF;
    END IF;
    PERFORM daftar.login_record(p_uid, true);
    INSERT INTO daftar.refresh_tokens (token_hash, family, uid, amr, expires_at)
    VALUES (p_refresh, gen_random_uuid(), p_uid, p_amr, now() + make_interval(secs => p_ttl));
    RETURN true;
END
$$;

REVOKE EXECUTE ON FUNCTION daftar.totp_required(text), daftar.totp_begin(text), daftar.totp_confirm(bigint),
    daftar.totp_disable(text, text), daftar.login_ok(text, text, text[], integer, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION daftar.totp_required(text), daftar.totp_begin(text), daftar.totp_confirm(bigint),
    daftar.totp_disable(text, text), daftar.login_ok(text, text, text[], integer, bigint) TO daftar_api;
