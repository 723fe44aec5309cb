-- totp_confirm: the function in force. `daftar migrate` re-applies this file
-- when it changes; earlier bodies are history in sql/catalog/ 0004.
CREATE OR REPLACE FUNCTION daftar.totp_confirm(p_step bigint) RETURNS text
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
