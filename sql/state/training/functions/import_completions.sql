-- import_completions: the function in force. `daftar migrate` re-applies
-- this file when it changes.
-- Completions taken on another platform (source, e.g. igot), recorded by
-- the request's department's nodal officer or its service account with the
-- training_nodal role, row by row: p_rows [{row, record_id, uid, course
-- (code), completed_on, score}] the server found well-formed, p_refused
-- those it refused itself. A row is refused with its reason when it names
-- no member of the department, no published or retired course, or a day
-- after today; one whose record id is recorded already is 'already'
-- (idempotent by the platform's record id), or refused when that id was
-- used for another officer or course. Recorded completions count toward
-- assignments like daftar's own, with their source.
CREATE OR REPLACE FUNCTION {schema}.import_completions(p_source text, p_rows jsonb, p_refused jsonb) RETURNS json
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_rows jsonb := '[]';
    v_client text := {schema}.client_tag();
    r jsonb;
    k {schema}.courses;
    c {schema}.completions;
    v_reason text;
BEGIN
    IF NOT {schema}.nodal() THEN
        RAISE EXCEPTION 'Only the department''s training nodal officer records completions from other platforms.'
            USING ERRCODE = 'DF403', HINT = 'needs-training-nodal';
    END IF;
    FOR r IN SELECT x FROM jsonb_array_elements(p_rows) x ORDER BY (x ->> 'row')::integer LOOP
        SELECT * INTO k FROM {schema}.courses x WHERE x.code = r ->> 'course' AND x.status <> 'draft';
        SELECT * INTO c FROM {schema}.completions x WHERE x.source = p_source AND x.source_ref = r ->> 'record_id';
        v_reason := CASE WHEN NOT EXISTS (SELECT FROM daftar.state_members m
                                          WHERE m.uid = r ->> 'uid' AND m.dept = current_setting('daftar.dept'))
                              THEN 'Not an officer of this department.'
                         WHEN k.id IS NULL THEN 'No such course.'
                         WHEN (r ->> 'completed_on')::date > (now() AT TIME ZONE 'Asia/Kolkata')::date
                              THEN 'completed_on is after today.'
                         WHEN c.id IS NOT NULL AND (c.uid <> r ->> 'uid' OR c.course <> k.id)
                              THEN 'This record id was recorded for another officer or course.' END;
        IF v_reason IS NOT NULL THEN
            v_rows := v_rows || jsonb_build_object('row', r -> 'row', 'record_id', r -> 'record_id', 'result', 'refused',
                                                   'reason', v_reason);
        ELSIF c.id IS NOT NULL THEN
            v_rows := v_rows || jsonb_build_object('row', r -> 'row', 'record_id', r -> 'record_id', 'result', 'already',
                                                   'completion', c.id);
        ELSE
            INSERT INTO {schema}.completions (uid, course, completed_on, score, valid_until, source, source_ref, client,
                                              recorded_by)
            VALUES (r ->> 'uid', k.id, (r ->> 'completed_on')::date, (r ->> 'score')::smallint,
                    ((r ->> 'completed_on')::date + make_interval(months => k.validity_months))::date, p_source,
                    r ->> 'record_id', v_client, current_setting('daftar.officer_uid'))
            RETURNING * INTO c;
            PERFORM {schema}.audit_append('completion.import', c.uid,
                                   jsonb_build_object('course', k.id, 'completion', c.id, 'source', p_source,
                                                      'record_id', c.source_ref));
            v_rows := v_rows || jsonb_build_object('row', r -> 'row', 'record_id', r -> 'record_id', 'result', 'recorded',
                                                   'completion', c.id);
        END IF;
        k := NULL;
        c := NULL;
    END LOOP;
    RETURN {schema}.batch_result(
        jsonb_build_object('source', p_source, 'recorded', 0, 'already', 0, 'refused', 0),
        v_rows, p_refused);
END
$$;
