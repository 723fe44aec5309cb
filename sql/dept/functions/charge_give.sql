-- charge_give: the function in force. `daftar migrate` re-applies this file
-- when it changes.
-- The head of office or dept_admin gives officer p_of's charge to p_holder
-- (both officers of the department, neither the caller) from p_from
-- (today by default) to p_until, inclusive, at most a year; one open
-- charge of an officer at a time. A charge_end timer records its end.
CREATE OR REPLACE FUNCTION {schema}.charge_give(p_holder text, p_of text, p_from date, p_until date, p_reason text)
RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    v_today date := (now() AT TIME ZONE 'Asia/Kolkata')::date;
    c {schema}.charges;
BEGIN
    IF NOT ({schema}.has_role('hoo') OR {schema}.has_role('dept_admin')) THEN
        RAISE EXCEPTION 'The head of office or dept_admin gives acting charge.' USING ERRCODE = 'DF403';
    END IF;
    IF {schema}.me() IN (p_holder, p_of) THEN
        RAISE EXCEPTION 'Nobody gives a charge to or of themselves.' USING ERRCODE = 'DF403';
    END IF;
    IF (SELECT count(*) FROM daftar.dept_members m WHERE m.uid IN (p_holder, p_of)) < 2 THEN
        RAISE EXCEPTION 'holder and of are two officers of this department.' USING ERRCODE = 'DF422';
    END IF;
    IF p_until < coalesce(p_from, v_today) OR p_until < v_today OR p_until - coalesce(p_from, v_today) >= 366 THEN
        RAISE EXCEPTION 'A charge runs from valid_from to valid_until (inclusive), at most a year, and ends today or later.'
            USING ERRCODE = 'DF422';
    END IF;
    IF EXISTS (SELECT 1 FROM {schema}.charges x WHERE x.of_uid = p_of AND x.ended_at IS NULL) THEN
        RAISE EXCEPTION 'This officer''s charge is held already; end that first.' USING ERRCODE = 'DF409';
    END IF;
    INSERT INTO {schema}.charges (holder, of_uid, valid_from, valid_until, reason, created_by)
    VALUES (p_holder, p_of, coalesce(p_from, v_today), p_until, p_reason, {schema}.me())
    RETURNING * INTO c;
    PERFORM {schema}.timer_set('charge_end', c.id, (p_until + 1)::timestamp AT TIME ZONE 'Asia/Kolkata', NULL);
    PERFORM {schema}.audit('charge.give', c.id, json_build_object('holder', p_holder, 'of', p_of,
                                                                  'valid_from', c.valid_from, 'valid_until', p_until));
    RETURN {schema}.charge_json(c);
END
$$;
