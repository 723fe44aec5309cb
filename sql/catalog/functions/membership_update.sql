-- membership_update: the function in force. `daftar migrate` re-applies this file
-- when it changes; earlier bodies are history in sql/catalog/ 0006, 0013.
-- A membership change no longer ends the officer's tokens (they carry no
-- memberships): the same rules as 0006 otherwise. The section (catalog 0024,
-- shown by the directory) is a fifth argument: the four-argument form is gone.
DROP FUNCTION IF EXISTS daftar.membership_update(text, text, text[], text);
CREATE OR REPLACE FUNCTION daftar.membership_update(p_dept text, p_uid text, p_roles text[], p_designation text,
                                                    p_section text) RETURNS json
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
DECLARE
    v_caller text := current_setting('daftar.officer_uid', true);
    m daftar.memberships;
BEGIN
    PERFORM daftar.admin_check(p_dept, p_roles);
    SELECT * INTO m FROM daftar.memberships WHERE uid = p_uid AND dept = p_dept FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'No such officer in this department.' USING ERRCODE = 'DF404';
    END IF;
    IF 'dept_admin' = ANY (m.roles) AND NOT EXISTS (SELECT 1 FROM daftar.memberships WHERE uid = v_caller AND dept = p_dept
                                                   AND 'dept_admin' = ANY (roles)) THEN
        RAISE EXCEPTION 'Only a dept_admin may change a dept_admin''s membership.' USING ERRCODE = 'DF403';
    END IF;
    UPDATE daftar.memberships SET roles = coalesce(p_roles, roles), designation = coalesce(p_designation, designation),
                                  section = coalesce(p_section, section)
    WHERE uid = p_uid AND dept = p_dept RETURNING * INTO m;
    RETURN json_build_object('uid', m.uid, 'dept', m.dept, 'roles', m.roles, 'designation', m.designation,
                             'section', m.section);
END
$$;
REVOKE EXECUTE ON FUNCTION daftar.membership_update(text, text, text[], text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION daftar.membership_update(text, text, text[], text, text) TO daftar_api;
