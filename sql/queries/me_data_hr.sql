-- me_data_hr: what e-HRMS holds about the calling officer (GET /v1/me/data):
-- their service particulars and who changed their records when. Run as the
-- officer alone in scope hr: the policies give their own rows only.
SELECT json_build_object(
    'employee', (SELECT state_hr_e FROM (SELECT {schema}.employee_json(e) AS state_hr_e FROM {schema}.employees e
                                         WHERE e.uid = current_setting('daftar.officer_uid')) x),
    'changes', coalesce((SELECT json_agg(json_build_object('at', a.at, 'by', a.actor, 'dept', a.dept, 'action', a.action)
                                         ORDER BY a.id)
                         FROM {schema}.audit a WHERE a.subject = current_setting('daftar.officer_uid')), '[]'::json))
