-- timer_apar_stage: the action of an apar_stage timer (set by form_stage):
-- the form is still at the stage whose date passed, so it moves on by
-- itself. A level that did not report is recorded as "not reported at this
-- level" (a submission of its own in the chain); an undisclosed report is
-- disclosed; a representation window that passed closes the form with the
-- accepted grade; a representation not decided in time closes it with the
-- accepted grade, recorded as not decided.
CREATE OR REPLACE FUNCTION {schema}.timer_apar_stage(t {schema}.timers) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    f {schema}.forms;
BEGIN
    SELECT * INTO f FROM {schema}.forms x WHERE x.id = t.subject FOR UPDATE;
    IF NOT FOUND OR f.stage IS DISTINCT FROM t.payload ->> 'stage' THEN
        RETURN;
    END IF;
    IF f.stage IN ('self', 'reporting', 'reviewing', 'accepting') THEN
        PERFORM {schema}.submission_add(f.id, f.stage, 'timer', true,
                                        jsonb_build_object('not_reported', 'The date passed: not reported at this level.'));
        PERFORM {schema}.form_stage(f.id, CASE f.stage WHEN 'self' THEN 'reporting' WHEN 'reporting' THEN 'reviewing'
                                                       WHEN 'reviewing' THEN 'accepting' ELSE 'disclosure' END);
    ELSIF f.stage = 'disclosure' THEN
        PERFORM {schema}.form_stage(f.id, 'representation');
    ELSIF f.stage = 'representation' THEN
        PERFORM {schema}.submission_add(f.id, 'representation', 'timer', true,
                                        jsonb_build_object('accept', true, 'not_reported', 'No representation in time.'));
        PERFORM {schema}.form_stage(f.id, 'closed');
    ELSIF f.stage = 'decision' THEN
        PERFORM {schema}.submission_add(f.id, 'decision', 'timer', true,
                                        jsonb_build_object('not_reported', 'Not decided in time: the accepted grade stands.'));
        PERFORM {schema}.form_stage(f.id, 'closed');
    END IF;
END
$$;
