-- leave_wait: the function in force. `daftar migrate` re-applies this file
-- when it changes.
-- Application p_id now waits for p_role until the level's date (settings
-- leave_level_days), when a leave_escalate timer moves it up.
CREATE OR REPLACE FUNCTION {schema}.leave_wait(p_id uuid, p_role text) RETURNS timestamptz
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_due timestamptz := now() + make_interval(days => (SELECT s.value::int FROM {schema}.settings s
                                                         WHERE s.name = 'leave_level_days'));
BEGIN
    PERFORM {schema}.timer_cancel('leave_escalate', p_id);
    PERFORM {schema}.timer_set('leave_escalate', p_id, v_due, jsonb_build_object('role', p_role));
    RETURN v_due;
END
$$;
