-- assignment_timers: the function in force. `daftar migrate` re-applies
-- this file when it changes.
-- The deadlines of assignment a that act by themselves (the scope's
-- timers): a reminder a week before the deadline, 09:00 India time (at
-- once when that has passed), and the overdue mark at the end of the
-- deadline's day (timer_training_due.sql, timer_training_overdue.sql).
CREATE OR REPLACE FUNCTION {schema}.assignment_timers(a {schema}.assignments) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM {schema}.timer_set('training_due', a.id,
                               greatest(now(), ((a.deadline - 7)::timestamp + time '09:00') AT TIME ZONE 'Asia/Kolkata'),
                               jsonb_build_object('deadline', a.deadline));
    PERFORM {schema}.timer_set('training_overdue', a.id, (a.deadline + 1)::timestamp AT TIME ZONE 'Asia/Kolkata',
                               jsonb_build_object('deadline', a.deadline));
END
$$;
