-- assignment_get: one assignment of the request's department or of the state, and its version
-- (assignments_policies: members of its department).
SELECT {schema}.assignment_json(a), a.version FROM {schema}.assignments a
WHERE a.id = $1::uuid AND (a.dept IS NULL OR a.dept = current_setting('daftar.dept'))
