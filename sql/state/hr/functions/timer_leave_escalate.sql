-- timer_leave_escalate: the action of a leave_escalate timer (set by
-- leave_wait): the application still waits for the same role past its
-- date, so it moves up: to the next role of its chain, or past the last
-- to the head of office; recorded as an action by 'timer', and told to whom
-- it now waits for (leave.needs_me, escalated). The timers thread has no
-- department in its session, and leave_waiters reads daftar.state_members,
-- which shows the request's department only: the application's department
-- is set for that one read, and the session's value put back.
CREATE OR REPLACE FUNCTION {schema}.timer_leave_escalate(t {schema}.timers) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    a {schema}.leave_applications;
    v_at integer;
    v_next text;
    v_dept text := coalesce(current_setting('daftar.dept', true), '');
    v_to text[];
BEGIN
    SELECT * INTO a FROM {schema}.leave_applications x WHERE x.id = t.subject FOR UPDATE;
    IF NOT FOUND OR a.status <> 'pending' OR a.waiting_role IS DISTINCT FROM t.payload ->> 'role' THEN
        RETURN;
    END IF;
    v_at := coalesce(array_position(a.roles, a.waiting_role), cardinality(a.roles));
    v_next := CASE WHEN v_at < cardinality(a.roles) THEN a.roles[v_at + 1]
                   WHEN a.waiting_role <> 'hoo' THEN 'hoo' END;
    IF v_next IS NULL THEN
        RETURN; -- at the head of office already: it stays there, overdue
    END IF;
    UPDATE {schema}.leave_applications x SET waiting_role = v_next, escalated = true,
                                             level_due = {schema}.leave_wait(a.id, v_next), version = x.version + 1,
                                             updated_at = now()
    WHERE x.id = a.id RETURNING * INTO a;
    INSERT INTO {schema}.leave_actions (application, by, action, level, remarks)
    VALUES (a.id, 'timer', 'escalated', a.level, 'waited past ' || to_char(t.due_at AT TIME ZONE 'Asia/Kolkata', 'YYYY-MM-DD HH24:MI')
                                                  || ' for ' || (t.payload ->> 'role') || '; now with ' || v_next);
    PERFORM set_config('daftar.dept', a.dept, true);
    v_to := {schema}.leave_waiters(a);
    PERFORM set_config('daftar.dept', v_dept, true);
    PERFORM {schema}.event_publish('leave.needs_me', a.id, v_to,
                                   jsonb_build_object('application_id', a.id, 'uid', a.uid, 'dept', a.dept, 'escalated', true));
END
$$;
