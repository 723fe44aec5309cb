-- timer_training_due: the action of a training_due timer (a week before an
-- assignment's deadline): every officer of its rosters who has not
-- completed gets a due_soon reminder, once however often it fires, and a
-- live event (training.deadline_nears; the first 500 of them).
CREATE OR REPLACE FUNCTION {schema}.timer_training_due(t {schema}.timers) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    a {schema}.assignments;
BEGIN
    SELECT * INTO a FROM {schema}.assignments x WHERE x.id = t.subject;
    IF NOT FOUND OR a.deadline::text <> t.payload ->> 'deadline' THEN
        RETURN; -- the deadline moved on
    END IF;
    INSERT INTO {schema}.reminders (assignment, uid, kind)
    SELECT a.id, x.uid, 'due_soon' FROM {schema}.assignees x
    WHERE x.assignment = a.id AND NOT {schema}.completed_by(x.uid, a.course, a.deadline)
    ON CONFLICT DO NOTHING;
    -- a live event (issue 22) to each of them
    PERFORM {schema}.event_publish('training.deadline_nears', a.id,
                                   ARRAY(SELECT x.uid FROM {schema}.assignees x
                                         WHERE x.assignment = a.id AND NOT {schema}.completed_by(x.uid, a.course, a.deadline)
                                         LIMIT 500),
                                   jsonb_build_object('assignment_id', a.id, 'deadline', a.deadline));
END
$$;
