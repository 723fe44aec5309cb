-- form_stage: the function in force. `daftar migrate` re-applies this file
-- when it changes.
-- Moves form p_id to stage p_stage with its date and an apar_stage timer
-- (none once closed); disclosure sets disclosed_at. A move to another
-- stage is logged in stages (and the audit): who moved it (the caller:
-- an officer, the custodian, or 'timer'), whose turn it was at the stage
-- it left, and whether that authority missed its date (the timer moved an
-- unreported level, or an undecided representation, on); a live event to
-- whose turn it is now (apar.my_turn). Returns the form.
CREATE OR REPLACE FUNCTION {schema}.form_stage(p_id uuid, p_stage text) RETURNS {schema}.forms
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    old {schema}.forms;
    f {schema}.forms;
    c {schema}.cycles;
    v_due timestamptz;
    v_by text := current_setting('daftar.officer_uid');
    v_missed boolean;
BEGIN
    SELECT * INTO old FROM {schema}.forms x WHERE x.id = p_id;
    SELECT * INTO c FROM {schema}.cycles x WHERE x.id = old.cycle;
    v_due := CASE WHEN p_stage IN ('closed', 'no_report') THEN NULL ELSE {schema}.stage_due(c, p_stage) END;
    UPDATE {schema}.forms x SET stage = p_stage, stage_due = v_due, version = x.version + 1,
                                disclosed_at = CASE WHEN p_stage = 'representation' THEN now() ELSE x.disclosed_at END
    WHERE x.id = p_id RETURNING * INTO f;
    PERFORM {schema}.timer_cancel('apar_stage', p_id);
    IF v_due IS NOT NULL THEN
        PERFORM {schema}.timer_set('apar_stage', p_id, v_due, jsonb_build_object('stage', p_stage));
    END IF;
    IF old.stage IS DISTINCT FROM p_stage THEN
        v_missed := v_by = 'timer' AND old.stage IN ('self', 'reporting', 'reviewing', 'accepting', 'decision');
        INSERT INTO {schema}.stages (form, from_stage, to_stage, by_uid, authority, due, missed, days_late)
        VALUES (p_id, old.stage, p_stage, v_by, {schema}.turn_of(old), old.stage_due, v_missed,
                CASE WHEN old.stage_due < now() THEN extract(day FROM now() - old.stage_due)::integer ELSE 0 END);
        PERFORM {schema}.audit_append('apar.stage', p_id::text, jsonb_build_object('from', old.stage, 'to', p_stage,
                                                                            'missed', v_missed));
    END IF;
    IF old.stage IS DISTINCT FROM p_stage THEN -- a live event (issue 22) to whose turn it is now
        PERFORM {schema}.event_publish('apar.my_turn', p_id, ARRAY[{schema}.turn_of(f)],
                                       jsonb_build_object('form_id', p_id, 'stage', p_stage, 'due', v_due));
    END IF;
    RETURN f;
END
$$;
