-- assignment_sync: the function in force. `daftar migrate` re-applies this
-- file when it changes.
-- The nodal officer of the request's department takes the roster of
-- assignment p_id (the department's own, or a state assignment) anew from
-- the department's memberships. Returns what changed and the roster's size.
CREATE OR REPLACE FUNCTION {schema}.assignment_sync(p_id uuid) RETURNS json
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    a {schema}.assignments;
    v_roster record;
BEGIN
    SELECT * INTO a FROM {schema}.assignments x
    WHERE x.id = p_id AND (x.dept IS NULL OR x.dept = current_setting('daftar.dept'));
    IF NOT FOUND OR current_setting('daftar.dept') = '' THEN
        RAISE EXCEPTION 'No such assignment in this department.' USING ERRCODE = 'DF404';
    END IF;
    IF NOT {schema}.nodal() THEN
        RAISE EXCEPTION 'Only the department''s training nodal officer syncs its roster.' USING ERRCODE = 'DF403', HINT = 'needs-training-nodal';
    END IF;
    PERFORM pg_advisory_xact_lock(hashtextextended('roster:' || a.id || ':' || current_setting('daftar.dept'), 0));
    v_roster := {schema}.roster_sync(a);
    RETURN json_build_object('assignment', a.id, 'dept', current_setting('daftar.dept'), 'added', v_roster.added,
                             'removed', v_roster.removed,
                             'assigned', (SELECT count(*) FROM {schema}.assignees x
                                          WHERE x.assignment = a.id AND x.dept = current_setting('daftar.dept')));
END
$$;
