-- timer_leave_credit: the action of a leave_credit timer (payload period
-- 'YYYY-MM', January or July): every officer with particulars is credited
-- for the period (leave_credit_period: once each, however often it fires),
-- and the next period's timer is set.
CREATE OR REPLACE FUNCTION {schema}.timer_leave_credit(t {schema}.timers) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_start date := to_date(t.payload ->> 'period', 'YYYY-MM');
    v_next date := (v_start + interval '6 months')::date;
BEGIN
    PERFORM {schema}.leave_credit_period(e.uid, extract(year FROM v_start)::int, extract(month FROM v_start)::int, 'timer')
    FROM {schema}.employees e;
    PERFORM {schema}.leave_credit_timer(v_next);
END
$$;
