-- batch_create: the function in force. `daftar migrate` re-applies this
-- file when it changes.
-- training_admin schedules a classroom batch of published course p_course:
-- its first and last days (not before today, India time), venue and
-- capacity. Returns the batch.
CREATE OR REPLACE FUNCTION {schema}.batch_create(p_course uuid, p_starts date, p_ends date, p_venue text,
                                                 p_capacity integer) RETURNS json
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    b {schema}.batches;
BEGIN
    IF NOT {schema}.administers() THEN
        RAISE EXCEPTION 'Only the state''s training administrators schedule batches.' USING ERRCODE = 'DF403', HINT = 'needs-training-admin';
    ELSIF NOT EXISTS (SELECT FROM {schema}.courses c WHERE c.id = p_course) THEN
        RAISE EXCEPTION 'No such course.' USING ERRCODE = 'DF404';
    ELSIF NOT EXISTS (SELECT FROM {schema}.courses c WHERE c.id = p_course AND c.status = 'published') THEN
        RAISE EXCEPTION 'Batches are scheduled for published courses only.' USING ERRCODE = 'DF422', HINT = 'course-not-published';
    ELSIF p_starts < (now() AT TIME ZONE 'Asia/Kolkata')::date THEN
        RAISE EXCEPTION 'A batch starts today or later.' USING ERRCODE = 'DF422', HINT = 'batch-start-past';
    ELSIF p_ends < p_starts THEN
        RAISE EXCEPTION 'A batch ends on or after its first day.' USING ERRCODE = 'DF422', HINT = 'batch-dates-reversed';
    END IF;
    INSERT INTO {schema}.batches (course, starts_on, ends_on, venue, capacity, created_by)
    VALUES (p_course, p_starts, p_ends, p_venue, p_capacity, current_setting('daftar.officer_uid'))
    RETURNING * INTO b;
    PERFORM {schema}.audit_append('batch.create', b.id::text, jsonb_build_object('course', p_course, 'capacity', p_capacity));
    RETURN {schema}.batch_json(b);
END
$$;
