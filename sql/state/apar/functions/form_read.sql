-- form_read: the function in force. `daftar migrate` re-applies this file
-- when it changes.
-- Form p_form as the caller may see it: stage, dates, chain and track (the
-- stage log, in full where may_track allows) for the officer and its authorities; the content of each
-- level only where may_read allows, each with its signature, if signed;
-- the officer's mandatory training status for the period, read from the
-- training scope through its interface (state_training.mandatory_status:
-- status only). Every read that shows content is recorded in reads (who,
-- when, from where, which levels). No row for anyone else (404).
CREATE OR REPLACE FUNCTION {schema}.form_read(p_form uuid) RETURNS TABLE (form json, version integer)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    f {schema}.forms;
    v_levels text[];
    v_subs json;
BEGIN
    SELECT * INTO f FROM {schema}.forms x WHERE x.id = p_form;
    IF NOT FOUND OR {schema}.my_level(f) IS NULL THEN
        RETURN;
    END IF;
    SELECT array_agg(DISTINCT s.level), json_agg(json_build_object('seq', s.seq, 'level', s.level, 'by', s.by_uid, 'at', s.at,
                                                                   'not_reported', s.skipped, 'content', s.content,
                                                                   'hash', s.hash, 'signature', {schema}.signature_json(g))
                                                 ORDER BY s.seq)
    INTO v_levels, v_subs
    FROM {schema}.submissions s LEFT JOIN {schema}.signatures g ON g.form = s.form AND g.seq = s.seq
    WHERE s.form = f.id AND {schema}.may_read(f, s.level);
    IF v_levels IS NOT NULL THEN
        INSERT INTO {schema}.reads (form, by_uid, client_addr, request_id, levels)
        VALUES (f.id, current_setting('daftar.officer_uid'), current_setting('daftar.client_addr'),
                current_setting('daftar.request_id'), v_levels);
    END IF;
    RETURN QUERY SELECT (({schema}.form_json(f))::jsonb
                         || jsonb_build_object('submissions', coalesce(v_subs, '[]'::json),
                                               'track', {schema}.track_json(f.id, {schema}.may_track(f)),
                                               'training', state_training.mandatory_status(f.uid, f.period_from, f.period_to))
                         || CASE WHEN f.disclosed_at IS NOT NULL OR {schema}.my_level(f) IN ('accepting')
                                 THEN jsonb_build_object('accepted_grade', f.accepted_grade, 'final_grade', f.final_grade)
                                 ELSE '{}'::jsonb END)::json,
                        f.version;
END
$$;
