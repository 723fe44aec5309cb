-- 0031_scope_audit_checkpoints: anchors of the statewide scopes' audit chains
-- (each scope's audit is one chain since its NNNN_audit_chain migration). A
-- scope is not a department (dept references daftar.departments), so an
-- anchor names either a department (dept, chain) or a scope (scope: its
-- name, hr for schema state_hr; chain 'audit'), never both. The functions
-- (functions/audit_heads.sql, audit_checkpoint_add.sql) and the anchor lines
-- call a scope's chain state:NAME (lib/tenant/audit.c).
ALTER TABLE daftar.audit_checkpoints ALTER COLUMN dept DROP NOT NULL,
    ADD COLUMN IF NOT EXISTS scope text CHECK (scope ~ '^[a-z][a-z0-9_]{0,30}$');
ALTER TABLE daftar.audit_checkpoints DROP CONSTRAINT IF EXISTS audit_checkpoints_dept_or_scope,
    ADD CONSTRAINT audit_checkpoints_dept_or_scope CHECK ((dept IS NULL) <> (scope IS NULL));
CREATE INDEX IF NOT EXISTS audit_checkpoints_scope ON daftar.audit_checkpoints (scope, seq) WHERE scope IS NOT NULL;
