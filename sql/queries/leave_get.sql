-- leave_get: one application of the request's department and its actions, with its version
-- (the policies: the applicant, the department's establishment and approvers).
SELECT {schema}.leave_application_json(a), a.version FROM {schema}.leave_applications a
WHERE a.id = $1::uuid AND a.dept = current_setting('daftar.dept')
