-- 0028_audit_chains: a department's audit trail is one chain per family since
-- dept 0021_audit_chains; an anchor names its chain. The anchors recorded
-- before name the department's one chain of old, which is now 'efile' (its
-- events unchanged), so they keep verifying, as do the anchor lines kept
-- outside the database ("checkpoint CODE seq=N ...": a line without a chain
-- is e-File's; another chain's line says CODE/CHAIN, lib/tenant/audit.c),
-- and so does a checkpoint written without one (the column's default).
-- The two functions' new forms (a chain column, a chain parameter) replace
-- the old ones here, before functions/ creates them.
DROP FUNCTION IF EXISTS daftar.audit_heads(text);
DROP FUNCTION IF EXISTS daftar.audit_checkpoint_add(text, bigint, text, text);
ALTER TABLE daftar.audit_checkpoints ADD COLUMN IF NOT EXISTS chain text NOT NULL DEFAULT 'efile';
DROP INDEX IF EXISTS daftar.audit_checkpoints_dept;
CREATE INDEX IF NOT EXISTS audit_checkpoints_chain ON daftar.audit_checkpoints (dept, chain, seq);
