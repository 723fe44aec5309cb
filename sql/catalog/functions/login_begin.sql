-- login_begin: reserves a sign-in attempt of officer p_uid from the
-- transaction's client address (daftar.client_addr) before the server hashes
-- anything, and returns what the attempt needs. Rows are locked, so
-- concurrent attempts queue here and each sees the ones before it:
--   the address: at most p_address_limit attempts that were not refunded in
--     15 minutes ('address_limited');
--   the account from this address: the 5th failure in a row locks it for
--     this address for 1 minute, doubling up to 1 hour;
--   the account anywhere: p_account_limit failures in a row lock it for an
--     hour (a backstop against guessing from many addresses).
-- A locked attempt reserves nothing more and answers as a wrong password.
-- An unknown UID costs the address an attempt and nothing else.
CREATE OR REPLACE FUNCTION daftar.login_begin(p_uid text, p_address_limit integer, p_account_limit integer) RETURNS json
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
DECLARE
    v_addr text := coalesce(current_setting('daftar.client_addr', true), '');
    v_minute timestamptz := date_trunc('minute', now());
    v_recent bigint;
    o daftar.officers;
    c daftar.credentials;
    f daftar.login_failures;
    v_locked boolean;
BEGIN
    INSERT INTO daftar.address_failures (addr, minute, failures) VALUES (v_addr, v_minute, 0)
    ON CONFLICT (addr, minute) DO NOTHING;
    PERFORM 1 FROM daftar.address_failures WHERE addr = v_addr AND minute = v_minute FOR UPDATE;
    SELECT coalesce(sum(failures), 0) INTO v_recent FROM daftar.address_failures
    WHERE addr = v_addr AND minute > now() - interval '15 minutes';
    IF v_recent >= p_address_limit THEN
        RETURN json_build_object('status', 'address_limited');
    END IF;
    UPDATE daftar.address_failures SET failures = failures + 1 WHERE addr = v_addr AND minute = v_minute;
    IF random() < 0.01 THEN
        DELETE FROM daftar.address_failures WHERE minute < now() - interval '1 hour';
        DELETE FROM daftar.login_failures WHERE updated_at < now() - interval '1 day' AND coalesce(locked_until, now()) <= now();
    END IF;

    SELECT * INTO o FROM daftar.officers WHERE uid = p_uid;
    IF NOT FOUND THEN
        RETURN json_build_object('status', 'ok', 'officer', NULL);
    END IF;
    SELECT * INTO c FROM daftar.credentials WHERE uid = p_uid FOR UPDATE;
    INSERT INTO daftar.login_failures (uid, addr) VALUES (p_uid, v_addr) ON CONFLICT (uid, addr) DO NOTHING;
    SELECT * INTO f FROM daftar.login_failures WHERE uid = p_uid AND addr = v_addr FOR UPDATE;
    v_locked := coalesce(f.locked_until > now(), false) OR coalesce(c.locked_until > now(), false);
    IF NOT v_locked THEN
        UPDATE daftar.login_failures SET
            failures = failures + 1,
            locked_until = CASE WHEN failures + 1 >= 5
                                THEN now() + least(interval '1 hour', interval '1 minute' * power(2, failures + 1 - 5))
                                ELSE locked_until END,
            updated_at = now()
        WHERE uid = p_uid AND addr = v_addr;
        UPDATE daftar.credentials SET
            failed_count = failed_count + 1,
            locked_until = CASE WHEN failed_count + 1 >= p_account_limit THEN now() + interval '1 hour' ELSE locked_until END
        WHERE uid = p_uid;
    END IF;
    RETURN json_build_object('status', 'ok', 'officer', json_build_object(
        'hash', c.password_hash, 'active', o.status = 'active', 'must_change', c.must_change, 'locked', v_locked,
        'totp', c.totp_enabled, 'totp_secret', c.totp_secret, 'totp_last_step', c.totp_last_step,
        'totp_required', daftar.totp_required(o.uid), 'claims', daftar.officer_claims(o.uid)));
END
$$;
REVOKE EXECUTE ON FUNCTION daftar.login_begin(text, integer, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION daftar.login_begin(text, integer, integer) TO daftar_api;
