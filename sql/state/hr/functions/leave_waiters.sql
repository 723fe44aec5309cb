-- leave_waiters: who a pending leave application waits for: the members of
-- its department holding its waiting role, but not the applicant (the
-- audience of a leave.needs_me live event). Reads daftar.state_members, so
-- only in a request of that department (daftar.dept); the timer's escalation
-- sets daftar.dept to the application's for the call (timer_leave_escalate).
CREATE OR REPLACE FUNCTION {schema}.leave_waiters(a {schema}.leave_applications) RETURNS text[]
LANGUAGE sql STABLE AS $$
    SELECT coalesce(array_agg(m.uid), '{}') FROM daftar.state_members m
    WHERE m.dept = a.dept AND a.waiting_role = ANY (m.roles) AND m.uid <> a.uid
$$;
