-- principal_session: the function in force. `daftar migrate` re-applies this file
-- when it changes; earlier bodies are history in sql/catalog/ 0013.
-- The session of an officer or service account that may act now; no row when
-- unknown or not active. Memberships of suspended departments are left out
-- (the registry refuses those departments too).
CREATE OR REPLACE FUNCTION daftar.principal_session(p_id text) RETURNS json
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
