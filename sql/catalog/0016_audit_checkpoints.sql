-- 0016_audit_checkpoints: anchors of each department's audit chain (security
-- review item 5). `daftar audit checkpoint` records the head of the chain
-- (seq, hash) with a MAC under a key derived from master_key, which the
-- database never holds; `daftar audit verify` recomputes every chain and
-- checks it against every checkpoint, so neither rewriting old events nor
-- deleting the newest ones goes unnoticed, even by someone who may write any
-- row. Only the owner (the migration role, which the CLI uses) writes here;
-- the API's role has no right on it.
CREATE TABLE daftar.audit_checkpoints (
    id bigserial PRIMARY KEY,
    dept text NOT NULL REFERENCES daftar.departments (code),
    seq bigint NOT NULL,
    hash text NOT NULL,
    at timestamptz NOT NULL DEFAULT now(),
    mac text NOT NULL
);
CREATE INDEX audit_checkpoints_dept ON daftar.audit_checkpoints (dept, seq);
