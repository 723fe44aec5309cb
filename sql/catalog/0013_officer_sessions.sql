-- 0013_officer_sessions: what a principal may do (memberships and their
-- roles, clearance) is no longer carried in its access token. The server
-- reads it from daftar.principal_session on first use and keeps it per
-- thread; every change of it is announced on the channel daftar_officers with
-- the UID or client id (an empty payload: forget everyone), so the change
-- counts from the next request, without new tokens.

-- The session of an officer or service account that may act now; no row when
-- unknown or not active. Memberships of suspended departments are left out
-- (the registry refuses those departments too).
CREATE FUNCTION daftar.principal_session(p_id text) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'clearance', o.clearance,
        'depts', coalesce((SELECT json_object_agg(m.dept, m.roles ORDER BY m.dept)
                           FROM daftar.memberships m JOIN daftar.departments d ON d.code = m.dept
                           WHERE m.uid = o.uid AND d.status = 'active'), '{}'::json))
    FROM daftar.officers o WHERE o.uid = p_id AND o.status = 'active'
    UNION ALL
    SELECT json_build_object('clearance', 'restricted', 'depts', json_build_object(s.dept, s.roles))
    FROM daftar.service_accounts s JOIN daftar.departments d ON d.code = s.dept
    WHERE s.client_id = p_id AND s.status = 'active' AND d.status = 'active'
$$;

CREATE FUNCTION daftar.principal_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'departments' THEN
        PERFORM pg_notify('daftar_officers', '');
    ELSIF TG_TABLE_NAME = 'service_accounts' THEN
        PERFORM pg_notify('daftar_officers', coalesce(NEW.client_id, OLD.client_id));
    ELSE
        PERFORM pg_notify('daftar_officers', coalesce(NEW.uid, OLD.uid));
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER memberships_changed AFTER INSERT OR UPDATE OR DELETE ON daftar.memberships
    FOR EACH ROW EXECUTE FUNCTION daftar.principal_changed();
CREATE TRIGGER officers_changed AFTER UPDATE OF clearance, status ON daftar.officers
    FOR EACH ROW EXECUTE FUNCTION daftar.principal_changed();
CREATE TRIGGER service_accounts_changed AFTER UPDATE OF dept, roles, status ON daftar.service_accounts
    FOR EACH ROW EXECUTE FUNCTION daftar.principal_changed();
CREATE TRIGGER departments_changed AFTER UPDATE OF status ON daftar.departments
    FOR EACH ROW EXECUTE FUNCTION daftar.principal_changed();

-- A membership change no longer ends the officer's tokens (they carry no
-- memberships): the same rules as 0006 otherwise.
CREATE OR REPLACE FUNCTION daftar.membership_update(p_dept text, p_uid text, p_roles text[], p_designation text) RETURNS json
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
    RETURN json_build_object('uid', m.uid, 'dept', m.dept, 'roles', m.roles, 'designation', m.designation);
END
$$;

REVOKE EXECUTE ON FUNCTION daftar.principal_session(text), daftar.principal_changed() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION daftar.principal_session(text) TO daftar_api;
