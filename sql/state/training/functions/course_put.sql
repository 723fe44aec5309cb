-- course_put: the function in force. `daftar migrate` re-applies this file
-- when it changes.
-- training_admin writes a course: p_id NULL makes one (a draft, or
-- published at once), else replaces draft p_id at version p_version
-- (modules and questions with it). A published course's modules never
-- change (progress is counted against them): it is retired and a new one
-- made. p_modules is the validated JSON array of the request
-- ([{title, title_hi, min_seconds, questions: [{text, options, answer}]}]).
-- Returns the course (never its answers), its version and whether it is new.
CREATE OR REPLACE FUNCTION {schema}.course_put(p_id uuid, p_version integer, p_code text, p_title text, p_title_hi text,
                                               p_provider text, p_competencies jsonb, p_pass_mark integer,
                                               p_validity integer, p_max_attempts integer, p_status text, p_modules jsonb)
RETURNS TABLE (course json, version integer, created boolean)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    c {schema}.courses;
    v_competencies text[] := ARRAY(SELECT jsonb_array_elements_text(p_competencies));
BEGIN
    IF NOT {schema}.administers() THEN
        RAISE EXCEPTION 'Only the state''s training administrators manage the course catalogue.' USING ERRCODE = 'DF403', HINT = 'needs-training-admin';
    END IF;
    IF p_id IS NULL THEN
        INSERT INTO {schema}.courses (code, title, title_hi, provider, competencies, pass_mark, validity_months, max_attempts,
                                      status, created_by)
        VALUES (p_code, p_title, p_title_hi, p_provider, v_competencies, p_pass_mark, p_validity, p_max_attempts,
                p_status, current_setting('daftar.officer_uid'))
        ON CONFLICT (code) DO NOTHING RETURNING * INTO c;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'A course with this code exists.' USING ERRCODE = 'DF409', HINT = 'course-code-taken';
        END IF;
    ELSE
        SELECT * INTO c FROM {schema}.courses x WHERE x.id = p_id FOR UPDATE;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'No such course.' USING ERRCODE = 'DF404';
        ELSIF c.version <> p_version THEN
            RAISE EXCEPTION 'The course changed since you read it; read it again.' USING ERRCODE = 'DF412';
        ELSIF c.status <> 'draft' THEN
            RAISE EXCEPTION 'Only a draft changes; retire this course and make a new one.' USING ERRCODE = 'DF409', HINT = 'course-not-draft';
        END IF;
        IF EXISTS (SELECT FROM {schema}.courses x WHERE x.code = p_code AND x.id <> p_id) THEN
            RAISE EXCEPTION 'A course with this code exists.' USING ERRCODE = 'DF409', HINT = 'course-code-taken';
        END IF;
        UPDATE {schema}.courses x SET code = p_code, title = p_title, title_hi = p_title_hi, provider = p_provider,
                                      competencies = v_competencies, pass_mark = p_pass_mark, validity_months = p_validity,
                                      max_attempts = p_max_attempts, status = p_status, version = x.version + 1,
                                      updated_at = now()
        WHERE x.id = p_id RETURNING * INTO c;
        DELETE FROM {schema}.modules m WHERE m.course = p_id; -- and their questions
    END IF;
    INSERT INTO {schema}.modules (course, n, title, title_hi, min_seconds)
    SELECT c.id, m.n, m.v ->> 'title', coalesce(m.v ->> 'title_hi', ''), (m.v ->> 'min_seconds')::integer
    FROM jsonb_array_elements(p_modules) WITH ORDINALITY AS m (v, n);
    INSERT INTO {schema}.questions (course, module, n, text, options, answer)
    SELECT c.id, m.n, q.n, q.v ->> 'text', ARRAY(SELECT jsonb_array_elements_text(q.v -> 'options')),
           (q.v ->> 'answer')::smallint
    FROM jsonb_array_elements(p_modules) WITH ORDINALITY AS m (v, n)
    CROSS JOIN LATERAL jsonb_array_elements(coalesce(m.v -> 'questions', '[]')) WITH ORDINALITY AS q (v, n);
    PERFORM {schema}.audit_append(CASE WHEN p_id IS NULL THEN 'course.create' ELSE 'course.update' END, c.id::text,
                           jsonb_build_object('code', c.code, 'version', c.version, 'status', c.status));
    RETURN QUERY SELECT {schema}.course_json(c, true), c.version, p_id IS NULL;
END
$$;
