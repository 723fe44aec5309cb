-- course_status: the function in force. `daftar migrate` re-applies this
-- file when it changes.
-- training_admin publishes a draft or retires a published course (no new
-- enrolments; completions stand), at version p_version.
CREATE OR REPLACE FUNCTION {schema}.course_status(p_id uuid, p_version integer, p_status text)
RETURNS TABLE (course json, version integer)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    c {schema}.courses;
BEGIN
    IF NOT {schema}.administers() THEN
        RAISE EXCEPTION 'Only the state''s training administrators manage the course catalogue.' USING ERRCODE = 'DF403', HINT = 'needs-training-admin';
    END IF;
    SELECT * INTO c FROM {schema}.courses x WHERE x.id = p_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'No such course.' USING ERRCODE = 'DF404';
    ELSIF c.version <> p_version THEN
        RAISE EXCEPTION 'The course changed since you read it; read it again.' USING ERRCODE = 'DF412';
    ELSIF NOT (c.status = 'draft' AND p_status = 'published' OR c.status = 'published' AND p_status = 'retired') THEN
        RAISE EXCEPTION 'A draft is published, a published course retired; this course is %.', c.status
            USING ERRCODE = 'DF409', HINT = 'course-status-order';
    END IF;
    UPDATE {schema}.courses x SET status = p_status, version = x.version + 1, updated_at = now()
    WHERE x.id = p_id RETURNING * INTO c;
    PERFORM {schema}.audit_append('course.' || p_status, c.id::text, jsonb_build_object('version', c.version));
    RETURN QUERY SELECT {schema}.course_json(c, true), c.version;
END
$$;
