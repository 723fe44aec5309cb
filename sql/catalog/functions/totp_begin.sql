-- totp_begin: the function in force. `daftar migrate` re-applies this file
-- when it changes; earlier bodies are history in sql/catalog/ 0004.
CREATE OR REPLACE FUNCTION daftar.totp_begin(p_secret_enc text) RETURNS text
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
