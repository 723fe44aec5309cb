-- form_read: the function in force. `daftar migrate` re-applies this file
-- when it changes.
-- Form p_form as the caller may see it: stage, dates and chain for the
-- officer, its authorities and the custodian; the content of each level
-- only where may_read allows; the officer's mandatory training status for
-- the period (an interface until the training family answers it). Every
-- read that shows content is recorded in reads (who, when, from where,
-- which levels). No row for anyone else (404).
CREATE OR REPLACE FUNCTION {schema}.form_read(p_form uuid) RETURNS TABLE (form json, version integer)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    f {schema}.forms;
    v_levels text[];
    v_subs json;
BEGIN
    SELECT * INTO f FROM {schema}.forms x WHERE x.id = p_form;
    IF NOT FOUND OR NOT {schema}.may_see_form(f) THEN
        RETURN;
    END IF;
    SELECT array_agg(DISTINCT s.level), json_agg(json_build_object('seq', s.seq, 'level', s.level, 'by', s.by_uid, 'at', s.at,
                                                                   'not_reported', s.skipped, 'content', s.content,
                                                                   'hash', s.hash) ORDER BY s.seq)
    INTO v_levels, v_subs
    FROM {schema}.submissions s WHERE s.form = f.id AND {schema}.may_read(f, s.level);
    IF v_levels IS NOT NULL THEN
        INSERT INTO {schema}.reads (form, by_uid, client_addr, request_id, levels)
        VALUES (f.id, current_setting('daftar.officer_uid'), current_setting('daftar.client_addr'),
                current_setting('daftar.request_id'), v_levels);
    END IF;
    RETURN QUERY SELECT (({schema}.form_json(f))::jsonb
                         || jsonb_build_object('submissions', coalesce(v_subs, '[]'::json),
                                               'training', json_build_object('status', 'not_available',
                                                   'detail', 'Mandatory training status comes from the training family.'))
                         || CASE WHEN f.disclosed_at IS NOT NULL OR {schema}.my_level(f) IN ('accepting')
                                 THEN jsonb_build_object('accepted_grade', f.accepted_grade, 'final_grade', f.final_grade)
                                 ELSE '{}'::jsonb END)::json,
                        f.version;
END
$$;
