-- grades: the function in force. `daftar migrate` re-applies this file when
-- it changes.
-- Checks the grades of a reporting (or differing reviewing) submission:
-- work_output, personal_attributes and functional_competency whole numbers
-- 1 to 10, pen_picture and integrity remarks; returns the content with
-- overall = 40% work output + 30% personal attributes + 30% functional
-- competency (two decimals). An overall grade of 8 or more, or under 4,
-- needs a justification. Refusals name the field.
CREATE OR REPLACE FUNCTION {schema}.grades(p jsonb) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    k text;
    v_overall numeric;
BEGIN
    FOREACH k IN ARRAY ARRAY['work_output', 'personal_attributes', 'functional_competency'] LOOP
        IF jsonb_typeof(p -> k) IS DISTINCT FROM 'number' OR (p ->> k)::numeric NOT IN (1, 2, 3, 4, 5, 6, 7, 8, 9, 10) THEN
            RAISE EXCEPTION '% is a whole grade from 1 to 10.', k USING ERRCODE = 'DF422', HINT = 'apar-grade-out-of-range';
        END IF;
    END LOOP;
    FOREACH k IN ARRAY ARRAY['pen_picture', 'integrity'] LOOP
        IF jsonb_typeof(p -> k) IS DISTINCT FROM 'string' OR length(p ->> k) NOT BETWEEN 1 AND 4000 THEN
            RAISE EXCEPTION '% is a remark of 1 to 4000 characters.', k USING ERRCODE = 'DF422', HINT = 'apar-remark-length';
        END IF;
    END LOOP;
    v_overall := round(0.4 * (p ->> 'work_output')::numeric + 0.3 * (p ->> 'personal_attributes')::numeric
                       + 0.3 * (p ->> 'functional_competency')::numeric, 2);
    IF (v_overall >= 8 OR v_overall < 4) AND coalesce(length(p ->> 'justification'), 0) = 0 THEN
        RAISE EXCEPTION 'An overall grade of % (8 or more, or under 4) needs a justification.', v_overall
            USING ERRCODE = 'DF422', HINT = 'apar-grade-needs-justification';
    END IF;
    RETURN p || jsonb_build_object('overall', v_overall);
END
$$;
