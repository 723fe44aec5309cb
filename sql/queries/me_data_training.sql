-- me_data_training: what training holds about the calling officer (GET /v1/me/data): the
-- changes made to their training records and by whom. Run as the officer alone in scope
-- training: the policies give their own rows only.
SELECT json_build_object(
    'changes', coalesce((SELECT json_agg(json_build_object('at', a.at, 'by', a.actor, 'dept', a.dept, 'action', a.action)
                                         ORDER BY a.id)
                         FROM {schema}.audit a WHERE a.subject = current_setting('daftar.officer_uid')), '[]'::json))
