-- course_json: the function in force. `daftar migrate` re-applies this file
-- when it changes.
-- A course as the API shows it; p_full adds its modules and their
-- questions (text and options: never the answer, which the role may not
-- read).
CREATE OR REPLACE FUNCTION {schema}.course_json(c {schema}.courses, p_full boolean) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', c.id, 'code', c.code, 'title', c.title, 'title_hi', c.title_hi, 'provider', c.provider,
        'competencies', to_json(c.competencies), 'pass_mark', c.pass_mark, 'validity_months', c.validity_months,
        'max_attempts', c.max_attempts, 'status', c.status, 'version', c.version, 'updated_at', c.updated_at,
        'modules', CASE WHEN p_full THEN coalesce((
            SELECT json_agg(json_build_object(
                       'n', m.n, 'title', m.title, 'title_hi', m.title_hi, 'min_seconds', m.min_seconds,
                       'questions', coalesce((SELECT json_agg(json_build_object('n', q.n, 'text', q.text,
                                                                                'options', to_json(q.options)) ORDER BY q.n)
                                              FROM {schema}.questions q WHERE q.course = c.id AND q.module = m.n), '[]'::json))
                   ORDER BY m.n)
            FROM {schema}.modules m WHERE m.course = c.id), '[]'::json) END,
        'num_modules', (SELECT count(*) FROM {schema}.modules m WHERE m.course = c.id))
$$;
