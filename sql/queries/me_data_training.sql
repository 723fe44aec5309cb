-- me_data_training: what training holds about the calling officer (GET /v1/me/data): their
-- enrolments with progress, every progress event as the server recorded it (with the client
-- tag, a salted hash of the network address), completions, flags, reminders, the rosters
-- they are on, and who changed their training records when. Nothing else is held: UID and
-- progress. Run as the officer alone in scope training: the policies give their own rows only.
SELECT json_build_object(
    'enrolments', coalesce((SELECT json_agg({schema}.enrolment_detail(e) ORDER BY e.enrolled_at, e.id)
                            FROM {schema}.enrolments e WHERE e.uid = current_setting('daftar.officer_uid')), '[]'::json),
    'events', coalesce((SELECT json_agg(json_build_object('at', v.at, 'enrolment', v.enrolment, 'module', v.module,
                                                          'event', v.event, 'seconds', v.seconds, 'counted', v.counted,
                                                          'score', v.score, 'client', v.client) ORDER BY v.id)
                        FROM {schema}.progress_events v WHERE v.uid = current_setting('daftar.officer_uid')), '[]'::json),
    'completions', coalesce((SELECT json_agg({schema}.completion_json(c) ORDER BY c.completed_on, c.id)
                             FROM {schema}.completions c WHERE c.uid = current_setting('daftar.officer_uid')), '[]'::json),
    'flags', coalesce((SELECT json_agg({schema}.flag_json(f) ORDER BY f.id)
                       FROM {schema}.flags f WHERE f.uid = current_setting('daftar.officer_uid')), '[]'::json),
    'reminders', coalesce((SELECT json_agg(json_build_object('assignment', r.assignment, 'kind', r.kind, 'at', r.at)
                                           ORDER BY r.at)
                           FROM {schema}.reminders r WHERE r.uid = current_setting('daftar.officer_uid')), '[]'::json),
    'rosters', coalesce((SELECT json_agg(json_build_object('assignment', x.assignment, 'dept', x.dept, 'added_at', x.added_at,
                                                           'overdue', x.overdue) ORDER BY x.added_at)
                         FROM {schema}.assignees x WHERE x.uid = current_setting('daftar.officer_uid')), '[]'::json),
    'changes', coalesce((SELECT json_agg(json_build_object('at', a.at, 'by', a.actor, 'dept', a.dept, 'action', a.action)
                                         ORDER BY a.id)
                         FROM {schema}.audit a WHERE a.subject = current_setting('daftar.officer_uid')), '[]'::json))
