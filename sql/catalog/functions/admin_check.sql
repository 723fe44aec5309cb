-- admin_check: the function in force. `daftar migrate` re-applies this file
-- when it changes; earlier bodies are history in sql/catalog/ 0006.
-- The department's administrators (dept_admin, hr_admin) change its
-- memberships; only a dept_admin grants dept_admin, or training_admin (a
-- state power, catalog 0022).
CREATE OR REPLACE FUNCTION daftar.admin_check(p_dept text, p_roles text[]) RETURNS void
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog AS $$
DECLARE
    v_roles text[] := (SELECT roles FROM daftar.memberships
                       WHERE uid = current_setting('daftar.officer_uid', true) AND dept = p_dept);
BEGIN
    IF v_roles IS NULL OR NOT (v_roles && ARRAY['dept_admin', 'hr_admin']) THEN
        RAISE EXCEPTION 'Only the department''s administrators may do this.' USING ERRCODE = 'DF403';
    END IF;
    IF 'dept_admin' = ANY (coalesce(p_roles, '{}')) AND NOT 'dept_admin' = ANY (v_roles) THEN
        RAISE EXCEPTION 'Only a dept_admin may grant dept_admin.' USING ERRCODE = 'DF403';
    END IF;
    IF 'training_admin' = ANY (coalesce(p_roles, '{}')) AND NOT 'dept_admin' = ANY (v_roles) THEN
        RAISE EXCEPTION 'Only a dept_admin may grant training_admin.' USING ERRCODE = 'DF403';
    END IF;
END
$$;
