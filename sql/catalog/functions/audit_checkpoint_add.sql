-- audit_checkpoint_add: records an anchor of p_dept's chain p_chain (one per
-- family, dept 0021_audit_chains) at event p_seq, whose hash is p_hash, with
-- its MAC (computed by daftar under a key derived from master_key, which the
-- database never holds; lib/tenant/audit.c).
-- Only a head that is there is recorded, and once: false when the event
-- does not have that hash, or a checkpoint of the chain at or after p_seq
-- exists (several servers may anchor at once; the chain's lock orders them).
-- A statewide scope's chain (catalog 0030) is p_dept 'state:NAME', p_chain
-- 'audit': its anchor goes to the column scope.
-- The server's role may call it; only the owner writes the table, which
-- keeps what it was given (audit_checkpoints_guard).
CREATE OR REPLACE FUNCTION daftar.audit_checkpoint_add(p_dept text, p_chain text, p_seq bigint, p_hash text, p_mac text)
RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
DECLARE
    v_hash text;
    v_scope text;
BEGIN
    IF p_mac !~ '^[0-9a-f]{64}$' OR p_chain !~ '^[a-z][a-z0-9_]{0,31}$' THEN
        RETURN false;
    END IF;
    IF p_dept ~ '^state:[a-z][a-z0-9_]{0,30}$' THEN
        v_scope := substr(p_dept, 7);
        IF p_chain <> 'audit' OR to_regclass(quote_ident('state_' || v_scope) || '.audit') IS NULL THEN
            RETURN false;
        END IF;
    ELSIF NOT EXISTS (SELECT 1 FROM daftar.departments WHERE code = p_dept) THEN
        RETURN false;
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext('daftar.audit_checkpoint'), hashtext(p_dept || '/' || p_chain));
    IF v_scope IS NOT NULL THEN
        IF EXISTS (SELECT 1 FROM daftar.audit_checkpoints WHERE scope = v_scope AND seq >= p_seq) THEN
            RETURN false;
        END IF;
        EXECUTE format('SELECT hash FROM %I.audit WHERE seq = $1', 'state_' || v_scope) INTO v_hash USING p_seq;
    ELSE
        IF EXISTS (SELECT 1 FROM daftar.audit_checkpoints WHERE dept = p_dept AND chain = p_chain AND seq >= p_seq) THEN
            RETURN false;
        END IF;
        EXECUTE format('SELECT hash FROM %I.audit_events WHERE chain = $1 AND seq = $2', 'dept_' || p_dept)
            INTO v_hash USING p_chain, p_seq;
    END IF;
    IF v_hash IS DISTINCT FROM p_hash THEN
        RETURN false;
    END IF;
    INSERT INTO daftar.audit_checkpoints (dept, scope, chain, seq, hash, mac)
    VALUES (CASE WHEN v_scope IS NULL THEN p_dept END, v_scope, p_chain, p_seq, p_hash, p_mac);
    RETURN true;
END
$$;
REVOKE EXECUTE ON FUNCTION daftar.audit_checkpoint_add(text, text, bigint, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION daftar.audit_checkpoint_add(text, text, bigint, text, text) TO daftar_api;
