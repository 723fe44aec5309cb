-- timers_due_departments: for the servers' timers threads (lib/timers/timers.c),
-- the active departments with timers due now (due: how many, at most 100,000
-- counted) or due within p_within (next_in: seconds until the first of
-- those), so a thread fires the ones due and sleeps until the next one
-- rather than a whole rescan interval. Two descents of each department's
-- partial index (timers_due: unfired timers by due time) in one statement,
-- whose parsing and planning is most of the cost; the scan of 1,000
-- departments is measured in bench/README.md (bench/timers). It runs as the
-- owner, since the server's own role may not read any department's schema,
-- and tells only which departments have work and when. (Catalog 0019 dropped
-- its first form, which took nothing and returned the codes as one text.)
-- Statewide scopes with timers come last, as code 'state:<name>'.
CREATE OR REPLACE FUNCTION daftar.timers_due_departments(p_within interval)
RETURNS TABLE (code text, due bigint, next_in double precision)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog AS $$
DECLARE
    d record;
BEGIN
    FOR d IN SELECT x.code, 'dept_' || x.code AS schema FROM daftar.departments x
             WHERE x.status = 'active' AND to_regclass(quote_ident('dept_' || x.code) || '.timers') IS NOT NULL
             UNION ALL
             SELECT DISTINCT m.scope, 'state_' || substr(m.scope, 7) FROM daftar.schema_migrations m
             WHERE m.scope LIKE 'state:%' AND to_regclass(quote_ident('state_' || substr(m.scope, 7)) || '.timers') IS NOT NULL
             ORDER BY 1 LOOP
        EXECUTE format('SELECT (SELECT count(*) FROM (SELECT FROM %1$I.timers WHERE fired_at IS NULL AND due_at <= now()'
                       '                                 LIMIT 100000) x),'
                       '       (SELECT extract(epoch FROM min(due_at) - now())::double precision FROM %1$I.timers'
                       '         WHERE fired_at IS NULL AND due_at > now() AND due_at <= now() + $1)', d.schema)
            INTO due, next_in USING p_within;
        IF due > 0 OR next_in IS NOT NULL THEN
            code := d.code;
            RETURN NEXT;
        END IF;
    END LOOP;
END
$$;
REVOKE EXECUTE ON FUNCTION daftar.timers_due_departments(interval) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION daftar.timers_due_departments(interval) TO daftar_api;
