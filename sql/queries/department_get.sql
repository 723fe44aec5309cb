-- department_get: the department's public profile, read under its own role
-- from its own schema (only active departments get this far).
SELECT json_build_object('code', code, 'name', name, 'name_hi', name_hi, 'status', 'active')
FROM {schema}.profile
