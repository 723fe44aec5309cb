-- login_refund: the password of officer p_uid was right: give back what
-- login_begin reserved (the address's attempt, the failures in a row for
-- this address and anywhere) and record the sign-in. Called by login_ok and
-- password_set, in the same transaction as what the right password does.
CREATE OR REPLACE FUNCTION daftar.login_refund(p_uid text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
DECLARE
    v_addr text := coalesce(current_setting('daftar.client_addr', true), '');
BEGIN
    UPDATE daftar.address_failures SET failures = failures - 1
    WHERE addr = v_addr AND minute = (SELECT max(minute) FROM daftar.address_failures
                                      WHERE addr = v_addr AND failures > 0 AND minute > now() - interval '15 minutes');
    UPDATE daftar.login_failures SET failures = 0, locked_until = NULL, updated_at = now() WHERE uid = p_uid AND addr = v_addr;
    UPDATE daftar.credentials SET failed_count = 0, locked_until = NULL, last_login_at = now() WHERE uid = p_uid;
END
$$;
REVOKE EXECUTE ON FUNCTION daftar.login_refund(text) FROM PUBLIC;
