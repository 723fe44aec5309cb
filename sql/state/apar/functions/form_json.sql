-- form_json: the function in force. `daftar migrate` re-applies this file
-- when it changes.
-- A form's stage, dates and chain, with days late at its stage: what the
-- officer, its authorities and the custodian all see (no content).
CREATE OR REPLACE FUNCTION {schema}.form_json(f {schema}.forms) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object('id', f.id, 'cycle', f.cycle, 'dept', f.dept, 'uid', f.uid, 'reporting', f.reporting,
                             'reviewing', f.reviewing, 'accepting', f.accepting, 'period_from', f.period_from,
                             'period_to', f.period_to, 'stage', f.stage, 'stage_due', f.stage_due,
                             'days_late', CASE WHEN f.stage_due < now() AND f.stage NOT IN ('closed', 'no_report')
                                               THEN extract(day FROM now() - f.stage_due)::int ELSE 0 END,
                             'no_report_reason', f.no_report_reason, 'disclosed_at', f.disclosed_at, 'version', f.version)
$$;
