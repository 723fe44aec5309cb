-- enrolment_detail: the function in force. `daftar migrate` re-applies this
-- file when it changes.
-- An enrolment with where it stands on each module (server times, whether
-- it counted, attempts and best score of its assessment) and its completion.
CREATE OR REPLACE FUNCTION {schema}.enrolment_detail(e {schema}.enrolments) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT ({schema}.enrolment_json(e)::jsonb || jsonb_build_object(
        'modules', coalesce((
            SELECT jsonb_agg(jsonb_build_object(
                       'n', m.n, 'title', m.title, 'min_seconds', m.min_seconds,
                       'questions', (SELECT count(*) FROM {schema}.questions q WHERE q.course = m.course AND q.module = m.n),
                       'started_at', p.started_at, 'finished_at', p.finished_at, 'seconds', p.seconds,
                       'counted', coalesce(p.counted, false), 'attempts', coalesce(p.attempts, 0), 'best_score', p.best_score)
                   ORDER BY m.n)
            FROM {schema}.modules m
            LEFT JOIN {schema}.module_progress p ON p.enrolment = e.id AND p.module = m.n
            WHERE m.course = e.course), '[]'),
        'completion', (SELECT {schema}.completion_json(c) FROM {schema}.completions c WHERE c.enrolment = e.id)))::json
$$;
