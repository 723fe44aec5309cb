-- audit_heads: the head (last event) of each department's audit chain, or of
-- p_dept's, with the seq of its latest checkpoint (0 when none), for `daftar
-- audit checkpoint` and the servers' timers threads (lib/tenant/audit.c),
-- which anchor a head newer than its checkpoint. Runs as the owner: the
-- server's role reads no department's schema itself; it learns only the
-- heads, which are hashes. One index probe a department.
CREATE OR REPLACE FUNCTION daftar.audit_heads(p_dept text)
RETURNS TABLE (dept text, seq bigint, hash text, anchored bigint)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog AS $$
DECLARE
    d record;
BEGIN
    FOR d IN SELECT code FROM daftar.departments
             WHERE (p_dept IS NULL OR code = p_dept)
               AND to_regclass(quote_ident('dept_' || code) || '.audit_events') IS NOT NULL ORDER BY code LOOP
        dept := d.code;
        EXECUTE format('SELECT seq, hash FROM %I.audit_events ORDER BY seq DESC LIMIT 1', 'dept_' || d.code)
            INTO seq, hash;
        CONTINUE WHEN seq IS NULL;
        anchored := coalesce((SELECT max(c.seq) FROM daftar.audit_checkpoints c WHERE c.dept = d.code), 0);
        RETURN NEXT;
    END LOOP;
END
$$;
REVOKE EXECUTE ON FUNCTION daftar.audit_heads(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION daftar.audit_heads(text) TO daftar_api;
