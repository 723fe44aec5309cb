-- leave_reverse: the function in force. `daftar migrate` re-applies this
-- file when it changes.
-- Credits back p_days of what application p_id debited (all of it when
-- NULL), as a reversal row naming the application.
CREATE OR REPLACE FUNCTION {schema}.leave_reverse(p_id uuid, p_days numeric, p_by text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_type text;
    v_uid text;
    v_held numeric;
BEGIN
    SELECT l.type, l.uid, -sum(l.days) INTO v_type, v_uid, v_held FROM {schema}.leave_ledger l
    WHERE l.application = p_id GROUP BY l.type, l.uid;
    IF v_held IS NULL OR v_held <= 0 THEN
        RETURN; -- nothing debited (maternity leave), or all of it credited back
    END IF;
    INSERT INTO {schema}.leave_ledger (uid, type, days, kind, application, by)
    VALUES (v_uid, v_type, least(coalesce(p_days, v_held), v_held), 'reversal', p_id, p_by);
END
$$;
