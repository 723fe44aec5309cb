-- audit_checkpoint_add: records an anchor of p_dept's chain p_chain (one per
-- family, dept 0021_audit_chains) at event p_seq, whose hash is p_hash, with
-- its MAC (computed by daftar under a key derived from master_key, which the
-- database never holds; lib/tenant/audit.c).
-- Only a head that is there is recorded, and once: false when the event
-- does not have that hash, or a checkpoint of the chain at or after p_seq
-- exists (several servers may anchor at once; the chain's lock orders them).
-- The server's role may call it; only the owner writes the table, which
-- keeps what it was given (audit_checkpoints_guard).
CREATE OR REPLACE FUNCTION daftar.audit_checkpoint_add(p_dept text, p_chain text, p_seq bigint, p_hash text, p_mac text)
RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
DECLARE
    v_hash text;
BEGIN
    IF p_mac !~ '^[0-9a-f]{64}$' OR p_chain !~ '^[a-z][a-z0-9_]{0,31}$'
       OR NOT EXISTS (SELECT 1 FROM daftar.departments WHERE code = p_dept) THEN
        RETURN false;
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext('daftar.audit_checkpoint'), hashtext(p_dept || '/' || p_chain));
    IF EXISTS (SELECT 1 FROM daftar.audit_checkpoints WHERE dept = p_dept AND chain = p_chain AND seq >= p_seq) THEN
        RETURN false;
    END IF;
    EXECUTE format('SELECT hash FROM %I.audit_events WHERE chain = $1 AND seq = $2', 'dept_' || p_dept)
        INTO v_hash USING p_chain, p_seq;
    IF v_hash IS DISTINCT FROM p_hash THEN
        RETURN false;
    END IF;
    INSERT INTO daftar.audit_checkpoints (dept, chain, seq, hash, mac) VALUES (p_dept, p_chain, p_seq, p_hash, p_mac);
    RETURN true;
END
$$;
REVOKE EXECUTE ON FUNCTION daftar.audit_checkpoint_add(text, text, bigint, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION daftar.audit_checkpoint_add(text, text, bigint, text, text) TO daftar_api;
