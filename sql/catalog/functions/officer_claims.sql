-- officer_claims: the function in force. `daftar migrate` re-applies this file
-- when it changes; earlier bodies are history in sql/catalog/ 0002.
-- The claims of an officer, as login and refresh put them into tokens.
CREATE OR REPLACE FUNCTION daftar.officer_claims(p_uid text) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'uid', o.uid, 'clearance', o.clearance, 'gen', o.token_generation,
        'depts', coalesce((SELECT json_object_agg(m.dept, m.roles ORDER BY m.dept)
                           FROM daftar.memberships m JOIN daftar.departments d ON d.code = m.dept
                           WHERE m.uid = o.uid AND d.status = 'active'), '{}'::json))
    FROM daftar.officers o WHERE o.uid = p_uid
$$;
