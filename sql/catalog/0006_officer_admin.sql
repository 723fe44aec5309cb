-- 0006_officer_admin: department administrators create officers and change
-- memberships of their own department, through functions that check the
-- caller (daftar.officer_uid of the transaction) themselves: a dept_admin may
-- hand out any role there, an hr_admin any but dept_admin, and nobody a
-- clearance above their own.
GRANT USAGE ON SEQUENCE daftar.officer_serial TO daftar_api;

CREATE FUNCTION daftar.clearance_rank(p text) RETURNS integer
LANGUAGE sql IMMUTABLE AS $$
    SELECT array_position(ARRAY['unclassified', 'restricted', 'confidential', 'secret'], p)
$$;

CREATE FUNCTION daftar.admin_check(p_dept text, p_roles text[]) RETURNS void
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
END
$$;

CREATE FUNCTION daftar.officer_create(p_uid text, p_dept text, p_name text, p_designation text, p_roles text[],
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

CREATE FUNCTION daftar.membership_update(p_dept text, p_uid text, p_roles text[], p_designation text) RETURNS json
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
    UPDATE daftar.memberships SET roles = coalesce(p_roles, roles), designation = coalesce(p_designation, designation)
    WHERE uid = p_uid AND dept = p_dept RETURNING * INTO m;
    -- tokens carry memberships: the officer's older tokens stop, the next sign-in has the new roles
    UPDATE daftar.officers SET token_generation = token_generation + 1, generation_changed_at = now() WHERE uid = p_uid;
    PERFORM pg_notify('daftar_revocations', p_uid);
    RETURN json_build_object('uid', m.uid, 'dept', m.dept, 'roles', m.roles, 'designation', m.designation);
END
$$;

REVOKE EXECUTE ON FUNCTION daftar.clearance_rank(text), daftar.admin_check(text, text[]),
    daftar.officer_create(text, text, text, text, text[], text, text),
    daftar.membership_update(text, text, text[], text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION daftar.officer_create(text, text, text, text, text[], text, text),
    daftar.membership_update(text, text, text[], text) TO daftar_api;
