-- progress_event: the function in force. `daftar migrate` re-applies this
-- file when it changes.
-- The calling officer's progress on module p_module of their open
-- enrolment p_enrolment, on the server's clock:
--   started   the module's clock starts (again, unless it counted already);
--   finished  it counts when at least its minimum time has passed since
--             its start; sooner, it does not count (start it again) and is
--             flagged too_fast; three finishes within a minute are flagged
--             many_fast;
--   answers   the module's assessment, once the module counted: scored
--             here (assessment_score), at most the course's attempts; the
--             best score is kept. An answer sheet identical to those of
--             three other officers, not all right, is flagged same_answers.
-- When every module counted and every assessment reached the pass mark,
-- the course is complete: a completion (its id the certificate's), valid
-- for the course's validity; many completions from one client within an
-- hour are flagged bulk_client. Returns the enrolment as it stands.
CREATE OR REPLACE FUNCTION {schema}.progress_event(p_enrolment uuid, p_module integer, p_event text, p_answers jsonb)
RETURNS json
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_me text := current_setting('daftar.officer_uid');
    v_client text := {schema}.client_tag();
    e {schema}.enrolments;
    c {schema}.courses;
    m {schema}.modules;
    p {schema}.module_progress;
    v_questions integer;
    v_score integer;
    v_sheet text;
    v_id uuid;
BEGIN
    SELECT * INTO e FROM {schema}.enrolments x WHERE x.id = p_enrolment AND x.uid = v_me FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'No such enrolment of yours.' USING ERRCODE = 'DF404';
    ELSIF e.status <> 'enrolled' THEN
        RAISE EXCEPTION 'This course is complete.' USING ERRCODE = 'DF409', HINT = 'course-complete';
    END IF;
    SELECT * INTO c FROM {schema}.courses x WHERE x.id = e.course;
    SELECT * INTO m FROM {schema}.modules x WHERE x.course = e.course AND x.n = p_module;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'The course has no module %.', p_module USING ERRCODE = 'DF422', HINT = 'module-unknown';
    END IF;
    INSERT INTO {schema}.module_progress (enrolment, module, uid) VALUES (e.id, m.n, v_me) ON CONFLICT DO NOTHING;
    SELECT * INTO p FROM {schema}.module_progress x WHERE x.enrolment = e.id AND x.module = m.n;
    IF p_event = 'started' THEN
        IF NOT p.counted THEN
            UPDATE {schema}.module_progress x SET started_at = now(), finished_at = NULL, seconds = NULL
            WHERE x.enrolment = e.id AND x.module = m.n;
            INSERT INTO {schema}.progress_events (enrolment, uid, module, event, client)
            VALUES (e.id, v_me, m.n, 'started', v_client);
        END IF;
    ELSIF p_event = 'finished' THEN
        IF p.counted THEN
            RAISE EXCEPTION 'Module % counted already.', m.n USING ERRCODE = 'DF409', HINT = 'module-counted-already';
        ELSIF p.started_at IS NULL OR p.finished_at IS NOT NULL THEN
            RAISE EXCEPTION 'Start module % first.', m.n USING ERRCODE = 'DF409', HINT = 'module-not-started';
        END IF;
        p.seconds := floor(extract(epoch FROM now() - p.started_at))::integer;
        p.counted := p.seconds >= m.min_seconds;
        UPDATE {schema}.module_progress x SET finished_at = now(), seconds = p.seconds, counted = p.counted
        WHERE x.enrolment = e.id AND x.module = m.n;
        INSERT INTO {schema}.progress_events (enrolment, uid, module, event, seconds, counted, client)
        VALUES (e.id, v_me, m.n, 'finished', p.seconds, p.counted, v_client);
        IF NOT p.counted THEN
            PERFORM {schema}.flag(v_me, c.id, e.id, 'too_fast',
                                  jsonb_build_object('module', m.n, 'seconds', p.seconds, 'min_seconds', m.min_seconds));
        END IF;
        IF (SELECT count(*) FROM {schema}.progress_events x
            WHERE x.uid = v_me AND x.event = 'finished' AND x.at > now() - interval '1 minute') >= 3
           AND NOT EXISTS (SELECT FROM {schema}.flags f WHERE f.uid = v_me AND f.kind = 'many_fast'
                           AND f.at > now() - interval '1 minute') THEN
            PERFORM {schema}.flag(v_me, c.id, e.id, 'many_fast', jsonb_build_object('within_seconds', 60));
        END IF;
    ELSE
        v_questions := (SELECT count(*) FROM {schema}.questions q WHERE q.course = c.id AND q.module = m.n);
        IF v_questions = 0 THEN
            RAISE EXCEPTION 'Module % has no assessment.', m.n USING ERRCODE = 'DF422', HINT = 'module-without-assessment';
        ELSIF NOT p.counted THEN
            RAISE EXCEPTION 'Finish module % before its assessment.', m.n USING ERRCODE = 'DF409', HINT = 'module-not-finished';
        ELSIF p.attempts >= c.max_attempts THEN
            RAISE EXCEPTION 'No attempts left at this assessment (% allowed).', c.max_attempts USING ERRCODE = 'DF409', HINT = 'attempts-exhausted';
        END IF;
        v_score := {schema}.assessment_score(c.id, m.n, p_answers);
        IF v_score IS NULL THEN
            RAISE EXCEPTION 'answers has one option index for each of the % questions, in order.', v_questions
                USING ERRCODE = 'DF422', HINT = 'answers-mismatch';
        END IF;
        v_sheet := encode(sha256(convert_to(c.id || ':' || m.n || ':' || p_answers::text, 'UTF8')), 'hex');
        UPDATE {schema}.module_progress x SET attempts = x.attempts + 1, best_score = greatest(x.best_score, v_score)
        WHERE x.enrolment = e.id AND x.module = m.n;
        INSERT INTO {schema}.progress_events (enrolment, uid, module, event, score, sheet, client)
        VALUES (e.id, v_me, m.n, 'answers', v_score, v_sheet, v_client);
        IF v_score < 100 AND (SELECT count(DISTINCT x.uid) FROM {schema}.progress_events x
                              WHERE x.module = m.n AND x.sheet = v_sheet AND x.uid <> v_me) >= 3 THEN
            PERFORM {schema}.flag(v_me, c.id, e.id, 'same_answers', jsonb_build_object('module', m.n, 'score', v_score));
        END IF;
    END IF;
    -- complete?
    IF NOT EXISTS (SELECT FROM {schema}.modules x
                   LEFT JOIN {schema}.module_progress y ON y.enrolment = e.id AND y.module = x.n
                   WHERE x.course = c.id
                     AND (NOT coalesce(y.counted, false)
                          OR (EXISTS (SELECT FROM {schema}.questions q WHERE q.course = c.id AND q.module = x.n)
                              AND coalesce(y.best_score, -1) < c.pass_mark))) THEN
        INSERT INTO {schema}.completions (uid, course, enrolment, completed_on, score, valid_until, client, recorded_by)
        SELECT v_me, c.id, e.id, (now() AT TIME ZONE 'Asia/Kolkata')::date,
               (SELECT round(avg(y.best_score))::integer FROM {schema}.module_progress y
                WHERE y.enrolment = e.id AND y.best_score IS NOT NULL),
               ((now() AT TIME ZONE 'Asia/Kolkata')::date + make_interval(months => c.validity_months))::date,
               v_client, v_me
        RETURNING id INTO v_id;
        UPDATE {schema}.enrolments x SET status = 'completed', completed_at = now(), version = x.version + 1
        WHERE x.id = e.id;
        PERFORM {schema}.audit_append('course.complete', v_me, jsonb_build_object('course', c.id, 'completion', v_id));
        IF (SELECT count(*) FROM {schema}.completions x
            WHERE x.client = v_client AND x.source = 'daftar' AND x.recorded_at > now() - interval '1 hour') >= 5 THEN
            PERFORM {schema}.flag(v_me, c.id, e.id, 'bulk_client',
                                  jsonb_build_object('completions_within_hour',
                                                     (SELECT count(*) FROM {schema}.completions x WHERE x.client = v_client
                                                      AND x.source = 'daftar' AND x.recorded_at > now() - interval '1 hour')));
        END IF;
    END IF;
    SELECT * INTO e FROM {schema}.enrolments x WHERE x.id = e.id;
    RETURN {schema}.enrolment_detail(e);
END
$$;
