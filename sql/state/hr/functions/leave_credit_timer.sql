-- leave_credit_timer: the function in force. `daftar migrate` re-applies
-- this file when it changes.
-- The periodic credit of the period starting p_start (1 January or 1 July)
-- has its timer, due then at 00:00 IST. Two set at once are harmless: each
-- credit is a rule that happens once per officer.
CREATE OR REPLACE FUNCTION {schema}.leave_credit_timer(p_start date) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF NOT EXISTS (SELECT FROM {schema}.timers t WHERE t.kind = 'leave_credit' AND t.fired_at IS NULL
                   AND t.payload ->> 'period' = to_char(p_start, 'YYYY-MM')) THEN
        PERFORM {schema}.timer_set('leave_credit', gen_random_uuid(), p_start::timestamp AT TIME ZONE 'Asia/Kolkata',
                                   jsonb_build_object('period', to_char(p_start, 'YYYY-MM')));
    END IF;
END
$$;
