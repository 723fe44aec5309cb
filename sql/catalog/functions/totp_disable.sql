-- totp_disable: the function in force. `daftar migrate` re-applies this file
-- when it changes; earlier bodies are history in sql/catalog/ 0004.
-- A department admin removes the second factor of an officer of the same department.
CREATE OR REPLACE FUNCTION daftar.totp_disable(p_target text, p_dept text) RETURNS text
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
