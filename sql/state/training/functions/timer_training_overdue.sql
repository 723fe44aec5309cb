-- timer_training_overdue: the action of a training_overdue timer (the end
-- of an assignment's deadline day, India time): the assignment is overdue,
-- every officer of its rosters who has not completed is marked overdue
-- (the mark stays if they complete later) and gets an overdue reminder.
-- Once, however often it fires.
CREATE OR REPLACE FUNCTION {schema}.timer_training_overdue(t {schema}.timers) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    a {schema}.assignments;
BEGIN
    SELECT * INTO a FROM {schema}.assignments x WHERE x.id = t.subject FOR UPDATE;
    IF NOT FOUND OR a.deadline::text <> t.payload ->> 'deadline' OR a.overdue_at IS NOT NULL THEN
        RETURN;
    END IF;
    UPDATE {schema}.assignments x SET overdue_at = now() WHERE x.id = a.id;
    UPDATE {schema}.assignees x SET overdue = true
    WHERE x.assignment = a.id AND NOT {schema}.completed_by(x.uid, a.course, a.deadline);
    INSERT INTO {schema}.reminders (assignment, uid, kind)
    SELECT DISTINCT a.id, x.uid, 'overdue' FROM {schema}.assignees x WHERE x.assignment = a.id AND x.overdue
    ON CONFLICT DO NOTHING;
    PERFORM {schema}.audit_append('assignment.overdue', a.id::text, jsonb_build_object('deadline', a.deadline));
END
$$;
