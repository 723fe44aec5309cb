-- timers_fire: claims up to p_limit due timers that no other transaction
-- holds (FOR UPDATE SKIP LOCKED), runs each one's action, the function
-- timer_<kind>(t), and marks it fired, all in the caller's transaction: a
-- server killed in the middle leaves its timers unclaimed for another. An
-- action that raises is undone alone (a subtransaction) and the timer is
-- retried after 2^attempts seconds (at most an hour), its error kept. Runs
-- as the department's role, for the officer 'timer' (lib/timers/timers.c).
-- The caller keeps p_limit under 64 (lib/timers: 50): each action is a
-- subtransaction with an xid, and a transaction with more than 64 of them
-- makes every concurrent snapshot of the cluster consult pg_subtrans.
-- One server fires a department at a time (a transaction-scoped advisory
-- lock, tried, never waited for): the actions would queue on the
-- department's audit chain anyway, so another server goes on to another
-- department instead. Exactly-once does not rest on it, but on the row locks.
-- Returns {"fired", "failed", "late_seconds" (the most late fired), "more" (a timer is still due)}.
CREATE OR REPLACE FUNCTION {schema}.timers_fire(p_limit integer) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    t {schema}.timers;
    v_fired integer := 0;
    v_failed integer := 0;
    v_late double precision := 0;
BEGIN
    IF NOT pg_try_advisory_xact_lock(hashtext('daftar.timers'), hashtext('{schema}')) THEN
        RETURN json_build_object('fired', 0, 'failed', 0, 'late_seconds', 0, 'more', true);
    END IF;
    FOR t IN SELECT * FROM {schema}.timers WHERE fired_at IS NULL AND due_at <= now()
             ORDER BY due_at LIMIT p_limit FOR UPDATE SKIP LOCKED LOOP
        BEGIN
            EXECUTE 'SELECT {schema}.timer_' || t.kind || '($1)' USING t;  -- kind: ^[a-z][a-z0-9_]*$ (CHECK)
            UPDATE {schema}.timers SET fired_at = now(), attempts = attempts + 1, last_error = NULL WHERE id = t.id;
            v_fired := v_fired + 1;
            v_late := greatest(v_late, extract(epoch FROM now() - t.due_at));
        EXCEPTION WHEN OTHERS THEN
            UPDATE {schema}.timers SET attempts = attempts + 1, last_error = left(SQLERRM, 500),
                                       due_at = now() + least(interval '1 hour', interval '1 second' * power(2, attempts))
            WHERE id = t.id;
            v_failed := v_failed + 1;
        END;
    END LOOP;
    RETURN json_build_object('fired', v_fired, 'failed', v_failed, 'late_seconds', v_late,
                             'more', EXISTS (SELECT 1 FROM {schema}.timers WHERE fired_at IS NULL AND due_at <= now()));
END
$$;
