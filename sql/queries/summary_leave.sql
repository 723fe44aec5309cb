-- summary_leave: the leave applications of the request's department that wait for the caller
-- (GET /v1/me/summary; as leave/applications?box=waiting lists them).
SELECT json_build_object('leave_to_approve', count(*))
FROM {schema}.leave_applications a
WHERE a.dept = current_setting('daftar.dept') AND a.status = 'pending'
  AND a.uid <> current_setting('daftar.officer_uid') AND {schema}.in_charge(a.uid, a.waiting_role)
