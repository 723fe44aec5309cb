-- officer_training: the function in force. `daftar migrate` re-applies this
-- file when it changes.
-- The nodal officer of the request's department reads one of its
-- officers' training: enrolments with progress, completions, flags and
-- reminders. Runs as the caller: the policies reach the department's
-- members only.
CREATE OR REPLACE FUNCTION {schema}.officer_training(p_uid text) RETURNS json
LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF NOT {schema}.nodal() THEN
        RAISE EXCEPTION 'Only the department''s training nodal officer reads its officers'' training.'
            USING ERRCODE = 'DF403', HINT = 'needs-training-nodal';
    ELSIF NOT {schema}.nodal_of(p_uid) THEN
        RAISE EXCEPTION 'No such officer in this department.' USING ERRCODE = 'DF404';
    END IF;
    RETURN json_build_object(
        'uid', p_uid,
        'enrolments', coalesce((SELECT json_agg({schema}.enrolment_detail(e) ORDER BY e.enrolled_at DESC)
                                FROM {schema}.enrolments e WHERE e.uid = p_uid), '[]'::json),
        'completions', coalesce((SELECT json_agg({schema}.completion_json(c) ORDER BY c.completed_on DESC)
                                 FROM {schema}.completions c WHERE c.uid = p_uid), '[]'::json),
        'flags', coalesce((SELECT json_agg({schema}.flag_json(f) ORDER BY f.id DESC)
                           FROM {schema}.flags f WHERE f.uid = p_uid), '[]'::json),
        'reminders', coalesce((SELECT json_agg(json_build_object('assignment', r.assignment, 'kind', r.kind, 'at', r.at)
                                               ORDER BY r.at DESC)
                               FROM {schema}.reminders r WHERE r.uid = p_uid), '[]'::json));
END
$$;
