-- completed_by: the function in force. `daftar migrate` re-applies this
-- file when it changes.
-- p_uid has completed course p_course for a deadline: a completion of it
-- still valid on that day (none expires when the course has no validity).
CREATE OR REPLACE FUNCTION {schema}.completed_by(p_uid text, p_course uuid, p_deadline date) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT FROM {schema}.enrolments e WHERE e.uid = p_uid AND e.course = p_course AND e.status = 'completed')
$$;
