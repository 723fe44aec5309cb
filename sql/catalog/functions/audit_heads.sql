-- audit_heads: the head (last event) of each audit chain of each department,
-- or of p_dept's (one chain per family, dept 0021_audit_chains), with the seq
-- of its latest checkpoint (0 when none), for `daftar audit checkpoint` and
-- the servers' timers threads (lib/tenant/audit.c), which anchor a head newer
-- than its checkpoint. Runs as the owner: the server's role reads no
-- department's schema itself; it learns only the heads, which are hashes.
-- One statement a department, an index probe a chain.
-- A statewide scope's chain (its audit, catalog 0030) comes as dept
-- 'state:NAME', chain 'audit' (p_dept NULL, or that name): the name its
-- anchors carry.
CREATE OR REPLACE FUNCTION daftar.audit_heads(p_dept text)
RETURNS TABLE (dept text, chain text, seq bigint, hash text, anchored bigint)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog AS $$
DECLARE
    d record;
BEGIN
    FOR d IN SELECT code FROM daftar.departments
             WHERE (p_dept IS NULL OR code = p_dept)
               AND to_regclass(quote_ident('dept_' || code) || '.audit_chains') IS NOT NULL ORDER BY code LOOP
        RETURN QUERY EXECUTE format(
            'SELECT $1, c.chain, h.seq, h.hash, coalesce((SELECT max(k.seq) FROM daftar.audit_checkpoints k'
            '                                            WHERE k.dept = $1 AND k.chain = c.chain), 0)'
            ' FROM %1$I.audit_chains c CROSS JOIN LATERAL (SELECT e.seq, e.hash FROM %1$I.audit_events e'
            '                                              WHERE e.chain = c.chain ORDER BY e.seq DESC LIMIT 1) h'
            ' ORDER BY c.chain', 'dept_' || d.code) USING d.code;
    END LOOP;
    FOR d IN SELECT substr(n.nspname, 7) AS scope FROM pg_namespace n
             WHERE n.nspname LIKE 'state\_%' AND (p_dept IS NULL OR p_dept = 'state:' || substr(n.nspname, 7))
               AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = to_regclass(quote_ident(n.nspname) || '.audit')
                                                         AND a.attname = 'hash' AND NOT a.attisdropped)
             ORDER BY 1 LOOP
        RETURN QUERY EXECUTE format(
            'SELECT $1, ''audit'', e.seq, e.hash, coalesce((SELECT max(k.seq) FROM daftar.audit_checkpoints k'
            '                                             WHERE k.scope = $2), 0)'
            ' FROM %I.audit e ORDER BY e.seq DESC LIMIT 1', 'state_' || d.scope) USING 'state:' || d.scope, d.scope;
    END LOOP;
END
$$;
REVOKE EXECUTE ON FUNCTION daftar.audit_heads(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION daftar.audit_heads(text) TO daftar_api;
