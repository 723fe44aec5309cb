-- assignment_create: the function in force. `daftar migrate` re-applies
-- this file when it changes.
-- A mandatory course for an audience by a deadline with a target: p_state
-- makes a state assignment (every department; training_admin), else one of
-- the request's department (its nodal officer), whose roster is taken at
-- once. The course must be published; the deadline after today (India).
CREATE OR REPLACE FUNCTION {schema}.assignment_create(p_state boolean, p_course uuid, p_audience text, p_value text,
                                                      p_deadline date, p_target integer)
RETURNS TABLE (assignment json, version integer)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    a {schema}.assignments;
    v_roster record;
BEGIN
    IF p_state AND NOT {schema}.administers() THEN
        RAISE EXCEPTION 'Only the state''s training administrators make state assignments.' USING ERRCODE = 'DF403', HINT = 'needs-training-admin';
    ELSIF NOT p_state AND NOT {schema}.nodal() THEN
        RAISE EXCEPTION 'Only the department''s training nodal officer assigns courses.' USING ERRCODE = 'DF403', HINT = 'needs-training-nodal';
    END IF;
    IF NOT EXISTS (SELECT FROM {schema}.courses c WHERE c.id = p_course AND c.status = 'published') THEN
        RAISE EXCEPTION 'No such published course.' USING ERRCODE = 'DF422', HINT = 'course-not-published';
    END IF;
    IF p_deadline <= (now() AT TIME ZONE 'Asia/Kolkata')::date THEN
        RAISE EXCEPTION 'The deadline is after today.' USING ERRCODE = 'DF422', HINT = 'deadline-past';
    END IF;
    INSERT INTO {schema}.assignments (dept, course, audience, audience_value, deadline, target, created_by)
    VALUES (CASE WHEN p_state THEN NULL ELSE current_setting('daftar.dept') END, p_course, p_audience, p_value, p_deadline,
            p_target, current_setting('daftar.officer_uid'))
    RETURNING * INTO a;
    IF NOT p_state THEN
        v_roster := {schema}.roster_sync(a);
    END IF;
    PERFORM {schema}.assignment_timers(a);
    PERFORM {schema}.audit_append('assignment.create', a.id::text,
                           jsonb_build_object('course', a.course, 'dept', a.dept, 'deadline', a.deadline));
    RETURN QUERY SELECT {schema}.assignment_json(a), a.version;
END
$$;
