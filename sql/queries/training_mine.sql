-- training_mine: the calling officer's training (GET /v1/me/training): the assignments that
-- reach them through their memberships (their department's and the state's, in each
-- audience they are in), where they stand on each, their enrolments, completions (here and
-- imported), the deadlines' reminders and the flags their progress raised. Run as the
-- officer alone: daftar.state_members shows their own memberships, the policies their rows.
WITH due AS (
    SELECT DISTINCT ON (a.id) a
    FROM {schema}.assignments a
    JOIN daftar.state_members m ON m.uid = current_setting('daftar.officer_uid') AND (a.dept IS NULL OR a.dept = m.dept)
    WHERE {schema}.reaches(a, m.dept, m.roles, m.designation, m.section)
    ORDER BY a.id)
SELECT json_build_object(
    'uid', current_setting('daftar.officer_uid'),
    'assignments', coalesce((
        SELECT json_agg(x.j ORDER BY x.deadline, x.id)
        FROM (SELECT (d.a).deadline, (d.a).id,
                     {schema}.assignment_json(d.a)::jsonb
                     || jsonb_build_object('status', s.status,
                                           'overdue', s.status <> 'completed'
                                                      AND (d.a).deadline < (now() AT TIME ZONE 'Asia/Kolkata')::date) AS j
              FROM due d
              CROSS JOIN LATERAL (SELECT {schema}.progress_status(current_setting('daftar.officer_uid'), (d.a).course,
                                                                  (d.a).deadline) AS status) s) x), '[]'::json),
    'enrolments', coalesce((SELECT json_agg({schema}.enrolment_json(e) ORDER BY e.enrolled_at DESC)
                            FROM {schema}.enrolments e WHERE e.uid = current_setting('daftar.officer_uid')), '[]'::json),
    'completions', coalesce((SELECT json_agg({schema}.completion_json(c) ORDER BY c.completed_on DESC, c.id)
                             FROM {schema}.completions c WHERE c.uid = current_setting('daftar.officer_uid')), '[]'::json),
    'reminders', coalesce((SELECT json_agg(json_build_object('assignment', r.assignment, 'kind', r.kind, 'at', r.at)
                                           ORDER BY r.at DESC)
                           FROM {schema}.reminders r WHERE r.uid = current_setting('daftar.officer_uid')), '[]'::json),
    'flags', coalesce((SELECT json_agg({schema}.flag_json(f) ORDER BY f.id DESC)
                       FROM {schema}.flags f WHERE f.uid = current_setting('daftar.officer_uid')), '[]'::json))
