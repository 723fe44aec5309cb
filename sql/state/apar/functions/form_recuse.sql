-- form_recuse: the function in force. `daftar migrate` re-applies this file
-- when it changes.
-- An authority recuses from form p_form before its level has reported,
-- with a reason: its place in the chain is empty until the custodian maps
-- another (the completeness report lists it).
CREATE OR REPLACE FUNCTION {schema}.form_recuse(p_form uuid, p_reason text) RETURNS json
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    f {schema}.forms;
    v_level text;
BEGIN
    SELECT * INTO f FROM {schema}.forms x WHERE x.id = p_form FOR UPDATE;
    v_level := CASE WHEN FOUND THEN {schema}.my_level(f) END;
    IF v_level IS NULL THEN
        RAISE EXCEPTION 'No such APAR form.' USING ERRCODE = 'DF404';
    END IF;
    IF v_level = 'officer' THEN
        RAISE EXCEPTION 'Only an authority of the chain recuses.' USING ERRCODE = 'DF403', HINT = 'apar-not-an-authority';
    END IF;
    IF {schema}.stage_rank(f.stage) > {schema}.stage_rank(v_level) THEN
        RAISE EXCEPTION 'Your level has reported on this form.' USING ERRCODE = 'DF409', HINT = 'apar-level-reported';
    END IF;
    INSERT INTO {schema}.recusals (form, level, by_uid, reason) VALUES (f.id, v_level, current_setting('daftar.officer_uid'), p_reason);
    UPDATE {schema}.forms x SET reporting = CASE WHEN v_level = 'reporting' THEN NULL ELSE x.reporting END,
                                reviewing = CASE WHEN v_level = 'reviewing' THEN NULL ELSE x.reviewing END,
                                accepting = CASE WHEN v_level = 'accepting' THEN NULL ELSE x.accepting END,
                                version = x.version + 1
    WHERE x.id = f.id;
    PERFORM {schema}.audit_append('apar.recuse', f.id::text, jsonb_build_object('level', v_level));
    RETURN json_build_object('form', f.id, 'level', v_level, 'recused', true);
END
$$;
