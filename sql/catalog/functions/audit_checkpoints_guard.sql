-- audit_checkpoints_guard: an anchor of an audit chain is never changed or
-- removed (security review item 5), by anyone; the table's owner would have
-- to drop the trigger first, and anchors kept outside the database (logs,
-- cron output; `daftar audit verify --anchors`) would still tell.
CREATE OR REPLACE FUNCTION daftar.audit_checkpoints_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_checkpoints is append-only: an anchor never changes.' USING ERRCODE = 'DF409';
END
$$;
CREATE OR REPLACE TRIGGER audit_checkpoints_guard BEFORE UPDATE OR DELETE ON daftar.audit_checkpoints
    FOR EACH ROW EXECUTE FUNCTION daftar.audit_checkpoints_guard();
CREATE OR REPLACE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON daftar.audit_checkpoints
    FOR EACH STATEMENT EXECUTE FUNCTION daftar.audit_checkpoints_guard();
