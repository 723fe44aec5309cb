-- 0021_audit_chains: one audit chain per family in each department (issue 17
-- section 1). audit() locked the department's newest event until its writer
-- committed, so every audited write of a department, of any family, waited
-- for the commit (and WAL flush) of the one before it: bench/chain measured
-- e-File's writes of one department at 0.43-0.48 of the same writes spread
-- over 8 departments. Now each event belongs to a chain named by its family
-- (functions/audit_chain.sql: 'efile', 'dispatch'), with its own seq from 1
-- and its own head, so e-Dispatch's writers do not queue behind e-File's.
-- The events written before this migration are the chain 'efile', unchanged
-- (seq, links and hashes as they were, so they still verify, and so do the
-- checkpoints and anchor lines that name them: catalog 0028).
-- Idempotent, as department migrations are (test_tenancy replays them).
ALTER TABLE {schema}.audit_events ADD COLUMN IF NOT EXISTS chain text NOT NULL DEFAULT 'efile';
ALTER TABLE {schema}.audit_events ALTER COLUMN chain DROP DEFAULT;
ALTER TABLE {schema}.audit_events DROP CONSTRAINT IF EXISTS audit_events_pkey,
    ADD CONSTRAINT audit_events_pkey PRIMARY KEY (chain, seq);

-- The department's chains, a row each from its first event on: that row is
-- the lock the first writers of a new chain queue on (there is no newest
-- event to lock yet), and the list daftar.audit_heads anchors. Written by
-- audit() (the schema's owner); evidence like the events: the department's
-- role may read and insert, never change or remove a chain's row, so no
-- chain drops out of the anchoring (guard triggers: functions/append_only.sql).
CREATE TABLE IF NOT EXISTS {schema}.audit_chains (
    chain text PRIMARY KEY CHECK (chain ~ '^[a-z][a-z0-9_]{0,31}$'),
    created_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO {schema}.audit_chains (chain) SELECT DISTINCT chain FROM {schema}.audit_events ON CONFLICT DO NOTHING;
REVOKE UPDATE, DELETE, TRUNCATE ON {schema}.audit_chains FROM {role};
COMMENT ON TABLE {schema}.audit_chains IS 'append-only';
