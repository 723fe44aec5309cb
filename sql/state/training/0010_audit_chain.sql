-- 0010_audit_chain: the scope's audit trail becomes a hash chain (issue 17:
-- "Records that are evidence are append-only; chains are keyed or anchored"),
-- as a department's audit_events is one (dept 0002, 0021). Each event gets
-- seq (1, 2, ... in order of appending), prev_hash and hash =
-- sha256(prev_hash || concat_ws('|', seq, at (UTC, microseconds), actor, dept,
-- action, subject, request_id, client_addr, detail)), which
-- sql/scoped/functions/audit_append.sql computes for each new event and
-- `daftar audit verify` recomputes (name state:NAME); the head is anchored
-- like a department's (catalog audit_checkpoints.scope). The events already
-- there are chained here in id order (a second run chains only those without
-- a seq). The scope's role may no longer insert: only audit_append, which runs
-- as the owner, appends, so no event bypasses the chain (the table is
-- 'read-only' for the role now, no longer 'append-only').
-- Training's events had no client: the column is added (the events before it
-- have ''), so the three scopes' trails have one shape. Training keeps no
-- network address: audit_append writes its client_tag() (a salted hash) here.
ALTER TABLE {schema}.audit ADD COLUMN IF NOT EXISTS client_addr text NOT NULL DEFAULT '';
ALTER TABLE {schema}.audit ADD COLUMN IF NOT EXISTS seq bigint, ADD COLUMN IF NOT EXISTS prev_hash text,
    ADD COLUMN IF NOT EXISTS hash text;
DO $$
DECLARE
    r record;
    v_seq bigint;
    v_hash text;
BEGIN
    SELECT seq, hash INTO v_seq, v_hash FROM {schema}.audit WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1;
    v_seq := coalesce(v_seq, 0);
    v_hash := coalesce(v_hash, repeat('0', 64));
    FOR r IN SELECT * FROM {schema}.audit WHERE seq IS NULL ORDER BY id LOOP
        v_seq := v_seq + 1;
        UPDATE {schema}.audit SET seq = v_seq, prev_hash = v_hash,
               hash = encode(sha256(convert_to(v_hash || concat_ws('|', v_seq,
                   to_char(r.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), r.actor, r.dept, r.action, r.subject,
                   r.request_id, r.client_addr, coalesce(r.detail::text, '')), 'UTF8')), 'hex')
         WHERE id = r.id
        RETURNING hash INTO v_hash;
    END LOOP;
END
$$;
ALTER TABLE {schema}.audit ALTER COLUMN seq SET NOT NULL, ALTER COLUMN prev_hash SET NOT NULL,
    ALTER COLUMN hash SET NOT NULL;
CREATE UNIQUE INDEX IF NOT EXISTS audit_seq ON {schema}.audit (seq);
REVOKE INSERT ON {schema}.audit FROM {role};
-- what `daftar migrate` holds the role's grants to (lib/tenant/admin.c): read, never write
COMMENT ON TABLE {schema}.audit IS 'read-only';
-- audit() wrote unchained events; its callers now call audit_append (functions/).
DROP FUNCTION IF EXISTS {schema}.audit(text, text, jsonb);
