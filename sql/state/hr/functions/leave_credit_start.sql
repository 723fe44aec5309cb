-- leave_credit_start: the function in force. `daftar migrate` re-applies
-- this file when it changes.
-- An officer whose particulars are new gets, of each type, the credit of
-- its latest credit month this year (the year's casual leave, the
-- half-year's earned and half pay leave: the same rules as the periodic
-- credit, so never twice), and the scope has a timer for the next periodic
-- credit (1 January or 1 July, 00:00 IST).
CREATE OR REPLACE FUNCTION {schema}.leave_credit_start(p_uid text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_today date := (now() AT TIME ZONE 'Asia/Kolkata')::date;
    v_next date := CASE WHEN extract(month FROM v_today) < 7 THEN make_date(extract(year FROM v_today)::int, 7, 1)
                        ELSE make_date(extract(year FROM v_today)::int + 1, 1, 1) END;
BEGIN
    PERFORM {schema}.leave_credit_period(p_uid, extract(year FROM v_today)::int, m.month, 'system', t.code)
    FROM {schema}.leave_types t
    CROSS JOIN LATERAL (SELECT max(x) AS month FROM unnest(t.credit_months) x
                        WHERE x <= extract(month FROM v_today)) m
    WHERE m.month IS NOT NULL;
    PERFORM {schema}.leave_credit_timer(v_next);
END
$$;
