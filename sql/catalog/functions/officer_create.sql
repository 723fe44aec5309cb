-- officer_create: the function in force. `daftar migrate` re-applies this file
-- when it changes; earlier bodies are history in sql/catalog/ 0006.
CREATE OR REPLACE FUNCTION daftar.officer_create(p_uid text, p_dept text, p_name text, p_designation text, p_roles text[],
                                      p_clearance text, p_hash text) RETURNS json
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
DECLARE
    v_caller text := current_setting('daftar.officer_uid', true);
BEGIN
    PERFORM daftar.admin_check(p_dept, p_roles);
    IF daftar.clearance_rank(p_clearance) > (SELECT daftar.clearance_rank(clearance) FROM daftar.officers WHERE uid = v_caller) THEN
        RAISE EXCEPTION 'You cannot grant a clearance above your own.' USING ERRCODE = 'DF403';
    END IF;
    INSERT INTO daftar.officers (uid, name, home_dept, clearance) VALUES (p_uid, p_name, p_dept, p_clearance);
    INSERT INTO daftar.credentials (uid, password_hash, must_change) VALUES (p_uid, p_hash, true);
    INSERT INTO daftar.memberships (uid, dept, roles, designation) VALUES (p_uid, p_dept, p_roles, p_designation);
    RETURN json_build_object('uid', p_uid, 'name', p_name, 'designation', p_designation, 'roles', p_roles,
                             'clearance', p_clearance, 'status', 'active');
END
$$;
