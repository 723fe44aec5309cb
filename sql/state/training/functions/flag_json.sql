-- flag_json: the function in force. `daftar migrate` re-applies this file
-- when it changes.
-- An anomaly flag as the API shows it.
CREATE OR REPLACE FUNCTION {schema}.flag_json(f {schema}.flags) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object('id', f.id, 'uid', f.uid, 'course', {schema}.course_ref(f.course), 'enrolment', f.enrolment,
                             'kind', f.kind, 'detail', f.detail, 'at', f.at)
$$;
