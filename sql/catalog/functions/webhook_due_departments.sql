-- webhook_due_departments: for the servers' deliverers (lib/events/deliver.c),
-- the active departments with webhook deliveries due now (one probe of each
-- department's partial index webhook_deliveries_due). Runs as the owner,
-- since the server's own role may not read any department's schema, and
-- tells only which departments have deliveries to make.
CREATE OR REPLACE FUNCTION daftar.webhook_due_departments() RETURNS SETOF text
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog AS $$
DECLARE
    d record;
    v_due boolean;
BEGIN
    FOR d IN SELECT x.code, 'dept_' || x.code AS schema FROM daftar.departments x
             WHERE x.status = 'active' AND to_regclass(quote_ident('dept_' || x.code) || '.webhook_deliveries') IS NOT NULL
             ORDER BY 1 LOOP
        EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I.webhook_deliveries WHERE status = ''pending'' AND next_at <= now())',
                       d.schema) INTO v_due;
        IF v_due THEN
            RETURN NEXT d.code;
        END IF;
    END LOOP;
END
$$;
REVOKE EXECUTE ON FUNCTION daftar.webhook_due_departments() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION daftar.webhook_due_departments() TO daftar_api;
