-- progress_status: the function in force. `daftar migrate` re-applies this
-- file when it changes.
-- Where p_uid stands on course p_course for a deadline: 'completed' (a
-- completion valid on that day), 'in_progress' (an open enrolment with a
-- module started), else 'not_started' (enrolled but nothing begun counts as
-- not started).
CREATE OR REPLACE FUNCTION {schema}.progress_status(p_uid text, p_course uuid, p_deadline date) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN {schema}.completed_by(p_uid, p_course, p_deadline) THEN 'completed'
                WHEN EXISTS (SELECT FROM {schema}.enrolments e JOIN {schema}.module_progress p ON p.enrolment = e.id
                             WHERE e.uid = p_uid AND e.course = p_course AND e.status = 'enrolled'
                               AND p.started_at IS NOT NULL) THEN 'in_progress'
                ELSE 'not_started' END
$$;
