-- form_submit: the function in force. `daftar migrate` re-applies this file
-- when it changes.
-- The caller submits their part of form p_form at version p_version, as the
-- stage allows:
--   self (the officer): targets, achievements;
--   reporting: grades (grades.sql);
--   reviewing: agree (with the reporting grades), or its own grades and reasons;
--   accepting: agree (with the last grades), or final_grade and reasons;
--   representation (the officer, once disclosed): accept, or represent with text;
--   decision (the accepting authority): final_grade (may upgrade) and reasons.
-- Each is appended to the form's chain and moves the form to its next stage.
CREATE OR REPLACE FUNCTION {schema}.form_submit(p_form uuid, p_version integer, p_content jsonb)
RETURNS TABLE (form json, version integer)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    f {schema}.forms;
    v_me text := current_setting('daftar.officer_uid');
    v_level text;
    v_content jsonb := p_content;
    v_last numeric;
    v_next text;
BEGIN
    SELECT * INTO f FROM {schema}.forms x WHERE x.id = p_form FOR UPDATE;
    IF NOT FOUND OR {schema}.my_level(f) IS NULL THEN
        RAISE EXCEPTION 'No such APAR form.' USING ERRCODE = 'DF404';
    END IF;
    IF f.version <> p_version THEN
        RAISE EXCEPTION 'The form changed since you read it; read it again.' USING ERRCODE = 'DF412';
    END IF;
    v_level := CASE
        WHEN f.stage = 'self' AND v_me = f.uid THEN 'self'
        WHEN f.stage = 'reporting' AND v_me = f.reporting THEN 'reporting'
        WHEN f.stage = 'reviewing' AND v_me = f.reviewing THEN 'reviewing'
        WHEN f.stage = 'accepting' AND v_me = f.accepting THEN 'accepting'
        WHEN f.stage = 'representation' AND v_me = f.uid THEN 'representation'
        WHEN f.stage = 'decision' AND v_me = f.accepting THEN 'decision' END;
    IF v_level IS NULL THEN
        RAISE EXCEPTION 'It is not your turn on this form (it is at %).', f.stage USING ERRCODE = 'DF409', HINT = 'apar-not-your-stage';
    END IF;
    -- the grades the form carries so far: the last level's that gave them
    SELECT coalesce((s.content ->> 'final_grade')::numeric, (s.content ->> 'overall')::numeric) INTO v_last
    FROM {schema}.submissions s
    WHERE s.form = f.id AND NOT s.skipped AND s.level IN ('reporting', 'reviewing', 'accepting')
      AND (s.content ? 'overall' OR s.content ? 'final_grade')
    ORDER BY s.seq DESC LIMIT 1;
    IF v_level = 'self' THEN
        IF length(coalesce(p_content ->> 'targets', '')) NOT BETWEEN 1 AND 8000
           OR length(coalesce(p_content ->> 'achievements', '')) NOT BETWEEN 1 AND 8000 THEN
            RAISE EXCEPTION 'A self-appraisal gives targets and achievements (text).' USING ERRCODE = 'DF422', HINT = 'apar-self-appraisal-incomplete';
        END IF;
        v_content := jsonb_build_object('targets', p_content ->> 'targets', 'achievements', p_content ->> 'achievements');
    ELSIF v_level = 'reporting' THEN
        v_content := {schema}.grades(p_content - 'agree');
    ELSIF v_level = 'reviewing' THEN
        IF (p_content ->> 'agree')::boolean IS TRUE THEN
            IF v_last IS NULL THEN
                RAISE EXCEPTION 'There are no reporting grades to agree with: give your own.' USING ERRCODE = 'DF422', HINT = 'apar-nothing-to-agree-with';
            END IF;
            v_content := jsonb_build_object('agree', true, 'overall', v_last);
        ELSE
            IF coalesce(length(p_content ->> 'reasons'), 0) = 0 THEN
                RAISE EXCEPTION 'Differing from the reporting authority needs reasons.' USING ERRCODE = 'DF422', HINT = 'apar-differing-needs-reasons';
            END IF;
            v_content := {schema}.grades(p_content - 'agree') || jsonb_build_object('agree', false);
        END IF;
    ELSIF v_level IN ('accepting', 'decision') THEN
        IF v_level = 'accepting' AND (p_content ->> 'agree')::boolean IS TRUE THEN
            IF v_last IS NULL THEN
                RAISE EXCEPTION 'There are no grades to agree with: give the final grade.' USING ERRCODE = 'DF422', HINT = 'apar-nothing-to-agree-with';
            END IF;
            v_content := jsonb_build_object('agree', true, 'final_grade', v_last);
        ELSE
            IF jsonb_typeof(p_content -> 'final_grade') IS DISTINCT FROM 'number'
               OR (p_content ->> 'final_grade')::numeric NOT BETWEEN 1 AND 10 THEN
                RAISE EXCEPTION 'final_grade is a grade from 1 to 10.' USING ERRCODE = 'DF422', HINT = 'apar-grade-out-of-range';
            END IF;
            IF coalesce(length(p_content ->> 'reasons'), 0) = 0 THEN
                RAISE EXCEPTION 'A grade of one''s own needs reasons.' USING ERRCODE = 'DF422', HINT = 'apar-differing-needs-reasons';
            END IF;
            v_content := jsonb_build_object('agree', false, 'final_grade', round((p_content ->> 'final_grade')::numeric, 2),
                                            'reasons', p_content ->> 'reasons');
        END IF;
    ELSIF v_level = 'representation' THEN
        IF (p_content ->> 'accept')::boolean IS TRUE THEN
            v_content := jsonb_build_object('accept', true);
        ELSIF length(coalesce(p_content ->> 'representation', '')) BETWEEN 1 AND 8000 THEN
            v_content := jsonb_build_object('accept', false, 'representation', p_content ->> 'representation');
        ELSE
            RAISE EXCEPTION 'Accept the report, or represent against it with text.' USING ERRCODE = 'DF422', HINT = 'apar-accept-or-represent';
        END IF;
    END IF;
    PERFORM {schema}.submission_add(f.id, v_level, v_me, false, v_content);
    v_next := CASE v_level WHEN 'self' THEN 'reporting' WHEN 'reporting' THEN 'reviewing' WHEN 'reviewing' THEN 'accepting'
                           WHEN 'accepting' THEN 'disclosure' WHEN 'decision' THEN 'closed'
                           ELSE CASE WHEN (v_content ->> 'accept')::boolean THEN 'closed' ELSE 'decision' END END;
    IF v_level = 'accepting' THEN
        UPDATE {schema}.forms x SET accepted_grade = (v_content ->> 'final_grade')::numeric,
                                    final_grade = (v_content ->> 'final_grade')::numeric WHERE x.id = f.id;
    ELSIF v_level = 'decision' THEN
        UPDATE {schema}.forms x SET final_grade = (v_content ->> 'final_grade')::numeric WHERE x.id = f.id;
    END IF;
    f := {schema}.form_stage(f.id, v_next);
    PERFORM {schema}.audit_append('apar.submit', f.id::text, jsonb_build_object('level', v_level));
    RETURN QUERY SELECT {schema}.form_json(f), f.version;
END
$$;
