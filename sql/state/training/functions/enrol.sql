-- enrol: the function in force. `daftar migrate` re-applies this file when
-- it changes.
-- Enrols p_uid in course p_course (its callers check who may): 'already'
-- with the open enrolment when there is one, 'completed' when a completion
-- of it is still valid, else 'enrolled' with a new one. Idempotent: a
-- retried request, or the same UID twice in a batch, enrols once (a lock
-- per officer and course).
CREATE OR REPLACE FUNCTION {schema}.enrol(p_uid text, p_course uuid, p_source text, OUT result text, OUT enrolment uuid)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended('enrol:' || p_uid || ':' || p_course, 0));
    SELECT 'already', e.id INTO result, enrolment FROM {schema}.enrolments e
    WHERE e.uid = p_uid AND e.course = p_course AND e.status = 'enrolled';
    IF FOUND THEN
        RETURN;
    END IF;
    IF {schema}.completed_by(p_uid, p_course, (now() AT TIME ZONE 'Asia/Kolkata')::date) THEN
        result := 'completed';
        RETURN;
    END IF;
    INSERT INTO {schema}.enrolments (uid, course, source, enrolled_by)
    VALUES (p_uid, p_course, p_source, current_setting('daftar.officer_uid'))
    RETURNING 'enrolled', id INTO result, enrolment;
    PERFORM {schema}.audit_append('enrolment.create', p_uid, jsonb_build_object('course', p_course, 'enrolment', enrolment,
                                                                        'source', p_source));
END
$$;
