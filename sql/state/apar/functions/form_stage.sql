-- form_stage: the function in force. `daftar migrate` re-applies this file
-- when it changes.
-- Moves form p_id to stage p_stage with its date and an apar_stage timer
-- (none once closed); disclosure sets disclosed_at. Returns the form.
CREATE OR REPLACE FUNCTION {schema}.form_stage(p_id uuid, p_stage text) RETURNS {schema}.forms
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    f {schema}.forms;
    c {schema}.cycles;
    v_due timestamptz;
BEGIN
    SELECT x.* INTO c FROM {schema}.cycles x JOIN {schema}.forms y ON y.cycle = x.id WHERE y.id = p_id;
    v_due := CASE WHEN p_stage IN ('closed', 'no_report') THEN NULL ELSE {schema}.stage_due(c, p_stage) END;
    UPDATE {schema}.forms x SET stage = p_stage, stage_due = v_due, version = x.version + 1,
                                disclosed_at = CASE WHEN p_stage = 'representation' THEN now() ELSE x.disclosed_at END
    WHERE x.id = p_id RETURNING * INTO f;
    PERFORM {schema}.timer_cancel('apar_stage', p_id);
    IF v_due IS NOT NULL THEN
        PERFORM {schema}.timer_set('apar_stage', p_id, v_due, jsonb_build_object('stage', p_stage));
    END IF;
    RETURN f;
END
$$;
