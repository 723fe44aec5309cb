-- receipt_seen: the receipts each officer sees by having registered, held or been copied them (receipt_access)
-- or by seeing, through file_seen (department 0032), the file they were put into (issue 25 §2), so the register's
-- unfiltered page is a few index ranges from the cursor on (sql/queries/receipts_all.sql) instead of a scan of
-- every receipt of the department with may_see_receipt a row. created_at is the receipt's (it never changes), the
-- register's order. receipts_created serves the records keepers (every unclassified and restricted receipt),
-- receipts_held the holder and the holders of an acting charge. Read only by its officer
-- (receipt_seen_policies.sql); written only by the triggers (SECURITY DEFINER). Backfilled. Idempotent
-- (test_tenancy replays department migrations).
CREATE TABLE IF NOT EXISTS {schema}.receipt_seen (
    uid text NOT NULL,
    receipt_id uuid NOT NULL REFERENCES {schema}.receipts (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (uid, receipt_id)
);
CREATE INDEX IF NOT EXISTS receipt_seen_page ON {schema}.receipt_seen (uid, created_at DESC, receipt_id DESC);
CREATE INDEX IF NOT EXISTS receipts_created ON {schema}.receipts (created_at DESC, id DESC);
CREATE INDEX IF NOT EXISTS receipts_held ON {schema}.receipts (holder, created_at DESC, id DESC);
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON {schema}.receipt_seen FROM {role};
COMMENT ON TABLE {schema}.receipt_seen IS 'read-only';
ALTER TABLE {schema}.receipt_seen ENABLE ROW LEVEL SECURITY;
INSERT INTO {schema}.receipt_seen (uid, receipt_id, created_at)
SELECT a.uid, x.id, x.created_at FROM {schema}.receipt_access a JOIN {schema}.receipts x ON x.id = a.receipt_id
UNION
SELECT s.uid, x.id, x.created_at FROM {schema}.file_seen s JOIN {schema}.receipts x ON x.file_id = s.file_id
ON CONFLICT (uid, receipt_id) DO NOTHING;
