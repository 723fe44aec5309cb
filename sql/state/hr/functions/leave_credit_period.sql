-- leave_credit_period: the function in force. `daftar migrate` re-applies
-- this file when it changes.
-- Credits officer p_uid for the period starting on the 1st of p_month of
-- p_year (1 January or 1 July): each type credited that month gets its
-- credit (up to its cap), and on 1 January what is left of a type that
-- lapses lapses first. Each is a rule ('EL:2027-01', 'CL:lapse:2026') that
-- happens once per officer, however often this runs. p_type: that type
-- only (NULL: every type). Returns rows added.
CREATE OR REPLACE FUNCTION {schema}.leave_credit_period(p_uid text, p_year integer, p_month integer, p_by text,
                                                        p_type text DEFAULT NULL)
RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    t {schema}.leave_types;
    v_added integer := 0;
    v_rows integer;
    v_balance numeric;
    v_credit numeric;
BEGIN
    FOR t IN SELECT * FROM {schema}.leave_types x WHERE p_month = ANY (x.credit_months)
                                                       AND (p_type IS NULL OR x.code = p_type) ORDER BY x.code LOOP
        v_balance := {schema}.leave_balance(p_uid, t.code);
        IF t.lapses AND p_month = 1 AND v_balance > 0 THEN
            INSERT INTO {schema}.leave_ledger (uid, type, days, kind, rule, by)
            VALUES (p_uid, t.code, -v_balance, 'lapse', t.code || ':lapse:' || (p_year - 1), p_by)
            ON CONFLICT (uid, type, rule) DO NOTHING;
            GET DIAGNOSTICS v_rows = ROW_COUNT;
            v_added := v_added + v_rows;
            v_balance := {schema}.leave_balance(p_uid, t.code);
        END IF;
        v_credit := CASE WHEN t.cap IS NULL THEN t.credit ELSE least(t.credit, t.cap - v_balance) END;
        IF v_credit > 0 THEN
            INSERT INTO {schema}.leave_ledger (uid, type, days, kind, rule, by)
            VALUES (p_uid, t.code, v_credit, 'credit', t.code || ':' || to_char(make_date(p_year, p_month, 1), 'YYYY-MM'), p_by)
            ON CONFLICT (uid, type, rule) DO NOTHING;
            GET DIAGNOSTICS v_rows = ROW_COUNT;
            v_added := v_added + v_rows;
        END IF;
    END LOOP;
    RETURN v_added;
END
$$;
