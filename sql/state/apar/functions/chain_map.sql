-- chain_map: the function in force. `daftar migrate` re-applies this file
-- when it changes.
-- The custodian maps form p_form's chain (UIDs of any department) and the
-- period the authorities saw the officer's work. Refused: an authority who
-- is the officer, one officer at two levels, an authority who is not an
-- active officer, a period outside the cycle's, changing a level that has
-- already reported. A period under 90 days gets the "no report"
-- certificate instead of a report.
CREATE OR REPLACE FUNCTION {schema}.chain_map(p_form uuid, p_version integer, p_reporting text, p_reviewing text,
                                              p_accepting text, p_from date, p_to date)
RETURNS TABLE (form json, version integer)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    f {schema}.forms;
    c {schema}.cycles;
    v_days integer;
BEGIN
    SELECT * INTO f FROM {schema}.forms x WHERE x.id = p_form FOR UPDATE;
    IF NOT FOUND OR NOT {schema}.custodian_of(f.dept) THEN
        RAISE EXCEPTION 'No such APAR form.' USING ERRCODE = 'DF404';
    END IF;
    IF f.version <> p_version THEN
        RAISE EXCEPTION 'The form changed since you read it; read it again.' USING ERRCODE = 'DF412';
    END IF;
    IF f.uid IN (p_reporting, p_reviewing, p_accepting) THEN
        RAISE EXCEPTION 'An authority is the officer reported on.' USING ERRCODE = 'DF422', HINT = 'apar-authority-is-officer';
    END IF;
    IF p_reporting IN (p_reviewing, p_accepting) OR p_reviewing = p_accepting THEN
        RAISE EXCEPTION 'One officer holds two levels of this chain.' USING ERRCODE = 'DF422', HINT = 'apar-authority-twice';
    END IF;
    IF (SELECT count(*) FROM daftar.officers o WHERE o.uid IN (p_reporting, p_reviewing, p_accepting) AND o.status = 'active')
       < 3 THEN
        RAISE EXCEPTION 'Every authority is an active officer (a UID of any department).' USING ERRCODE = 'DF422', HINT = 'apar-authority-not-active';
    END IF;
    SELECT * INTO c FROM {schema}.cycles x WHERE x.id = f.cycle;
    IF p_from < c.period_from OR p_to > c.period_to OR p_to < p_from THEN
        RAISE EXCEPTION 'The period lies within the cycle''s, % to %.', c.period_from, c.period_to USING ERRCODE = 'DF422', HINT = 'apar-period-outside-cycle';
    END IF;
    IF f.stage IN ('closed', 'no_report', 'disclosure', 'representation', 'decision')
       OR ({schema}.stage_rank(f.stage) > 1 AND f.reporting IS DISTINCT FROM p_reporting)
       OR ({schema}.stage_rank(f.stage) > 2 AND f.reviewing IS DISTINCT FROM p_reviewing) THEN
        RAISE EXCEPTION 'A level that has reported keeps its authority.' USING ERRCODE = 'DF409', HINT = 'apar-level-reported';
    END IF;
    v_days := p_to - p_from + 1;
    UPDATE {schema}.forms x SET reporting = p_reporting, reviewing = p_reviewing, accepting = p_accepting,
                                period_from = p_from, period_to = p_to, version = x.version + 1
    WHERE x.id = p_form RETURNING * INTO f;
    IF v_days < 90 THEN
        UPDATE {schema}.forms x SET no_report_reason = format('The authorities saw the officer''s work for %s days, '
                                                              'under 90: no report is written for %s-%s.', v_days,
                                                              c.year, (c.year + 1) % 100)
        WHERE x.id = p_form;
        f := {schema}.form_stage(p_form, 'no_report');
    END IF;
    PERFORM {schema}.audit_append('apar.chain', p_form::text, jsonb_build_object('reporting', p_reporting, 'reviewing', p_reviewing,
                                                                          'accepting', p_accepting, 'days', v_days));
    RETURN QUERY SELECT {schema}.form_json(f), f.version;
END
$$;
