-- mail_due_departments: for the servers' mailers (lib/dispatch/mailer.c),
-- the active departments with e-mail letters due to be sent now (one probe
-- of each department's partial index dispatches_mail_due). It runs as the
-- owner, since the server's own role may not read any department's schema,
-- and tells only which departments have letters to send.
CREATE OR REPLACE FUNCTION daftar.mail_due_departments() RETURNS SETOF text
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog AS $$
DECLARE
    d record;
    v_due boolean;
BEGIN
    FOR d IN SELECT x.code, 'dept_' || x.code AS schema FROM daftar.departments x
             WHERE x.status = 'active'
               AND EXISTS (SELECT 1 FROM pg_attribute a
                           WHERE a.attrelid = to_regclass(quote_ident('dept_' || x.code) || '.dispatches')
                             AND a.attname = 'mail_next_at' AND NOT a.attisdropped)
             ORDER BY 1 LOOP
        EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I.dispatches WHERE mode = ''email'' AND status = ''issued'''
                       ' AND mail_next_at <= now())', d.schema) INTO v_due;
        IF v_due THEN
            RETURN NEXT d.code;
        END IF;
    END LOOP;
END
$$;
REVOKE EXECUTE ON FUNCTION daftar.mail_due_departments() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION daftar.mail_due_departments() TO daftar_api;
