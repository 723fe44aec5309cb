-- leave_application_json: the function in force. `daftar migrate` re-applies
-- this file when it changes.
-- An application as the API shows it, with where it waits and its actions.
CREATE OR REPLACE FUNCTION {schema}.leave_application_json(a {schema}.leave_applications) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object('id', a.id, 'uid', a.uid, 'dept', a.dept, 'type', a.type, 'from_date', a.from_date,
                             'to_date', a.to_date, 'days', a.days, 'reason', a.reason, 'extends', a.extends,
                             'status', a.status, 'chain', a.roles, 'level', a.level, 'waiting_for', a.waiting_role,
                             'level_due', a.level_due, 'escalated', a.escalated, 'version', a.version,
                             'created_at', a.created_at,
                             'actions', coalesce((SELECT json_agg(json_build_object('at', x.at, 'by', x.by, 'action', x.action,
                                                                                    'level', x.level, 'remarks', x.remarks)
                                                                  ORDER BY x.id)
                                                  FROM {schema}.leave_actions x WHERE x.application = a.id), '[]'::json))
$$;
