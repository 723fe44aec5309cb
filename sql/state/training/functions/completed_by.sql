-- completed_by: the function in force. `daftar migrate` re-applies this
-- file when it changes.
-- p_uid has completed course p_course for a deadline: a completion of it
-- (here or imported), not revoked, still valid on that day (none expires
-- when the course had no validity). A completion after the deadline counts
-- too: the roster keeps the overdue mark the deadline's timer set.
CREATE OR REPLACE FUNCTION {schema}.completed_by(p_uid text, p_course uuid, p_deadline date) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT FROM {schema}.completions c
                   WHERE c.uid = p_uid AND c.course = p_course AND (c.valid_until IS NULL OR c.valid_until >= p_deadline)
                     AND NOT EXISTS (SELECT FROM {schema}.revocations r WHERE r.completion = c.id))
$$;
