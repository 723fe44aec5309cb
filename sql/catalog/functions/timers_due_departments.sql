-- timers_due_departments: the active departments with a timer due now, for
-- the servers' timers threads (lib/timers/timers.c), as "code,code,...". It
-- probes each department's partial index (timers_due); it runs as the
-- owner, since the server's own role may not read any department's schema,
-- and tells only which departments have work.
CREATE OR REPLACE FUNCTION daftar.timers_due_departments() RETURNS text
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog AS $$
DECLARE
    d record;
    v_due boolean;
    v_out text[] := '{}';
BEGIN
    FOR d IN SELECT code FROM daftar.departments
             WHERE status = 'active' AND to_regclass(quote_ident('dept_' || code) || '.timers') IS NOT NULL ORDER BY code LOOP
        EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I.timers WHERE fired_at IS NULL AND due_at <= now())', 'dept_' || d.code)
            INTO v_due;
        IF v_due THEN
            v_out := v_out || d.code;
        END IF;
    END LOOP;
    RETURN array_to_string(v_out, ',');
END
$$;
REVOKE EXECUTE ON FUNCTION daftar.timers_due_departments() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION daftar.timers_due_departments() TO daftar_api;
