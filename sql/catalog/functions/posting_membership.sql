-- posting_membership: the function in force. `daftar migrate` re-applies
-- this file when it changes.
-- The one way a statewide scope changes the catalog: e-HRMS posting orders
-- (sql/state/hr/functions/posting_act.sql) end an officer's membership of
-- the department that relieves them (p_roles NULL) and start one in the
-- department they join. Only for a caller who holds `establishment` in
-- that department (read here from the catalog, not from the request's
-- settings), never for themselves (memberships_not_self), never granting
-- the administrative roles nor training_admin (those stay with dept_admin /
-- hr_admin through PATCH .../officers/{uid}). The change counts from the officer's next
-- request (memberships_changed notifies the servers' caches).
CREATE OR REPLACE FUNCTION daftar.posting_membership(p_uid text, p_dept text, p_roles text[], p_designation text)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF NOT EXISTS (SELECT FROM daftar.memberships m JOIN daftar.officers o ON o.uid = m.uid
                   WHERE m.uid = current_setting('daftar.officer_uid', true) AND m.dept = p_dept
                     AND 'establishment' = ANY (m.roles) AND o.status = 'active') THEN
        RAISE EXCEPTION 'Only the establishment of % relieves or joins its officers.', p_dept USING ERRCODE = 'DF403';
    END IF;
    IF p_roles IS NULL THEN
        DELETE FROM daftar.memberships WHERE uid = p_uid AND dept = p_dept;
    ELSE
        IF p_roles && ARRAY['dept_admin', 'hr_admin', 'training_admin'] OR cardinality(p_roles) = 0 THEN
            RAISE EXCEPTION 'A posting gives roles other than dept_admin, hr_admin and training_admin.' USING ERRCODE = 'DF422';
        END IF;
        INSERT INTO daftar.memberships (uid, dept, roles, designation) VALUES (p_uid, p_dept, p_roles, p_designation)
        ON CONFLICT (uid, dept) DO UPDATE SET roles = excluded.roles, designation = excluded.designation;
    END IF;
END
$$;
REVOKE EXECUTE ON FUNCTION daftar.posting_membership(text, text, text[], text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION daftar.posting_membership(text, text, text[], text) TO daftar_state;
