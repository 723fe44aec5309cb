-- password_rehash: officer p_uid signed in with a password stored at an older
-- scrypt cost (p_old); p_new is the same password at today's cost. Replaced
-- only if the stored hash is still p_old (a password change meanwhile wins).
-- Returns 'ok' (for auth_login_ok).
CREATE OR REPLACE FUNCTION daftar.password_rehash(p_uid text, p_old text, p_new text) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
BEGIN
    IF p_new IS NOT NULL AND p_new LIKE '$scrypt$%' THEN
        UPDATE daftar.credentials SET password_hash = p_new WHERE uid = p_uid AND password_hash = p_old;
    END IF;
    RETURN 'ok';
END
$$;
REVOKE EXECUTE ON FUNCTION daftar.password_rehash(text, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION daftar.password_rehash(text, text, text) TO daftar_api;
