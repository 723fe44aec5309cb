-- enrolment_json: the function in force. `daftar migrate` re-applies this
-- file when it changes.
-- An enrolment as the API shows it, with its course's code and titles and
-- its place in a classroom batch (null when it holds none).
CREATE OR REPLACE FUNCTION {schema}.enrolment_json(e {schema}.enrolments) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object('id', e.id, 'uid', e.uid,
                             'course', {schema}.course_ref(e.course),
                             'source', e.source, 'enrolled_by', e.enrolled_by, 'enrolled_at', e.enrolled_at,
                             'status', e.status, 'completed_at', e.completed_at, 'version', e.version,
                             'batch', (SELECT {schema}.seat_json(s) FROM {schema}.batch_seats s WHERE s.enrolment = e.id))
$$;
