-- enrol_self: the function in force. `daftar migrate` re-applies this file
-- when it changes.
-- The calling officer enrols in a published course: their open enrolment
-- when there is one (created false), else a new one. A course completed
-- and still valid is not taken again (409). With p_batch, the enrolment
-- also takes a place in that classroom batch of the course (seat_take:
-- seated or waitlisted; created when the place is new).
CREATE OR REPLACE FUNCTION {schema}.enrol_self(p_course uuid, p_batch uuid)
RETURNS TABLE (enrolment json, version integer, created boolean)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v record;
    v_booked boolean := false;
    e {schema}.enrolments;
BEGIN
    IF NOT EXISTS (SELECT FROM {schema}.courses c WHERE c.id = p_course AND c.status = 'published') THEN
        RAISE EXCEPTION 'No such published course.' USING ERRCODE = 'DF422', HINT = 'course-not-published';
    END IF;
    IF current_setting('daftar.officer_uid') !~ '^[0-9]{11}$' THEN
        RAISE EXCEPTION 'Officers enrol; service accounts do not.' USING ERRCODE = 'DF403', HINT = 'officers-only';
    END IF;
    v := {schema}.enrol(current_setting('daftar.officer_uid'), p_course, 'self');
    IF v.result = 'completed' THEN
        RAISE EXCEPTION 'You have completed this course and the completion is still valid.' USING ERRCODE = 'DF409', HINT = 'course-completed-already';
    END IF;
    IF p_batch IS NOT NULL THEN
        v_booked := (SELECT x.result = 'booked' FROM {schema}.seat_take(v.enrolment, p_batch) x);
    END IF;
    SELECT * INTO e FROM {schema}.enrolments x WHERE x.id = v.enrolment;
    RETURN QUERY SELECT {schema}.enrolment_json(e), e.version, v.result = 'enrolled' OR v_booked;
END
$$;
DROP FUNCTION IF EXISTS {schema}.enrol_self(uuid);
