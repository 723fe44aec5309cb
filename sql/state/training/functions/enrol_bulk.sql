-- enrol_bulk: the function in force. `daftar migrate` re-applies this file
-- when it changes.
-- The nodal officer of the request's department enrols a list of officers
-- in a published course, row by row: a row that names no active member of
-- the department is refused with its reason and the others go on. p_rows
-- [{row, uid}] are the rows the server found well-formed, p_refused
-- [{row, uid, reason}] those it refused itself. Returns every row's result
-- in row order, with the counts. Idempotent: an officer already enrolled
-- is 'already', one with a valid completion 'completed'. With p_batch, each
-- enrolled row also takes a place in that classroom batch of the course
-- (its row says seat: seated or waitlisted); a row whose place is refused
-- (booked into another batch) is refused whole, the others go on.
CREATE OR REPLACE FUNCTION {schema}.enrol_bulk(p_course uuid, p_rows jsonb, p_refused jsonb, p_batch uuid) RETURNS json
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_rows jsonb := '[]';
    r jsonb;
    v record;
    v_seat text;
BEGIN
    IF NOT {schema}.nodal() THEN
        RAISE EXCEPTION 'Only the department''s training nodal officer enrols its officers.' USING ERRCODE = 'DF403', HINT = 'needs-training-nodal';
    END IF;
    IF NOT EXISTS (SELECT FROM {schema}.courses c WHERE c.id = p_course AND c.status = 'published') THEN
        RAISE EXCEPTION 'No such published course.' USING ERRCODE = 'DF422', HINT = 'course-not-published';
    ELSIF p_batch IS NOT NULL AND NOT EXISTS (SELECT FROM {schema}.batches b WHERE b.id = p_batch AND b.course = p_course) THEN
        RAISE EXCEPTION 'No such batch of this course.' USING ERRCODE = 'DF422', HINT = 'batch-not-of-course';
    END IF;
    FOR r IN SELECT x FROM jsonb_array_elements(p_rows) x ORDER BY (x ->> 'row')::integer LOOP
        IF NOT EXISTS (SELECT FROM daftar.state_members m
                       WHERE m.uid = r ->> 'uid' AND m.dept = current_setting('daftar.dept')) THEN
            v_rows := v_rows || jsonb_build_object('row', r -> 'row', 'uid', r -> 'uid', 'result', 'refused',
                                                   'reason', 'Not an officer of this department.');
            CONTINUE;
        END IF;
        BEGIN
            v := {schema}.enrol(r ->> 'uid', p_course, 'nodal');
            v_seat := NULL;
            IF p_batch IS NOT NULL AND v.result <> 'completed' THEN
                SELECT x.status INTO v_seat FROM {schema}.seat_take(v.enrolment, p_batch) x;
            END IF;
            v_rows := v_rows || (jsonb_build_object('row', r -> 'row', 'uid', r -> 'uid', 'result', v.result,
                                                    'enrolment', v.enrolment)
                                 || CASE WHEN v_seat IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('seat', v_seat) END);
        EXCEPTION WHEN SQLSTATE 'DF409' THEN  -- this row's place: the row is refused (its enrolment undone), not the list
            v_rows := v_rows || jsonb_build_object('row', r -> 'row', 'uid', r -> 'uid', 'result', 'refused',
                                                   'reason', SQLERRM);
        END;
    END LOOP;
    RETURN {schema}.batch_result(
        jsonb_build_object('course', p_course, 'enrolled', 0, 'already', 0, 'refused', 0),
        v_rows, p_refused);
END
$$;
DROP FUNCTION IF EXISTS {schema}.enrol_bulk(uuid, jsonb, jsonb);
