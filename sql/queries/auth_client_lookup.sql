-- auth_client_lookup: service account $1 for the client_credentials grant; no row when unknown.
SELECT json_build_object(
    'secret_hash', s.secret_hash, 'active', s.status = 'active' AND d.status = 'active',
    'scope', array_to_string(s.scopes, ' '),
    'claims', json_build_object('clearance', 'restricted', 'depts', json_build_object(s.dept, s.roles), 'gen', 0))
FROM daftar.service_accounts s JOIN daftar.departments d ON d.code = s.dept
WHERE s.client_id = $1
