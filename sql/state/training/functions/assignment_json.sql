-- assignment_json: the function in force. `daftar migrate` re-applies this
-- file when it changes.
-- An assignment as the API shows it, with its course's code and titles.
CREATE OR REPLACE FUNCTION {schema}.assignment_json(a {schema}.assignments) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object('id', a.id, 'dept', a.dept,
                             'course', {schema}.course_ref(a.course),
                             'audience', a.audience, 'audience_value', a.audience_value, 'deadline', a.deadline,
                             'target', a.target, 'overdue', a.overdue_at IS NOT NULL, 'version', a.version,
                             'created_by', a.created_by, 'created_at', a.created_at)
$$;
