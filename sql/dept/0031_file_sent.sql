-- file_sent: the files each officer forwarded or returned (issue 25 §2), so the `sent` box is a range of one
-- index from the cursor on (sql/queries/files_sent.sql) instead of a scan of every file of the department with a
-- search of its movements a row. updated_at mirrors files.updated_at (file_sent_track.sql keeps both in the
-- same transaction) so the page's order is the index's. Read only by its officer (file_sent_policies.sql);
-- written only by the triggers (SECURITY DEFINER). Backfilled from the movements. Idempotent (test_tenancy replays
-- department migrations).
CREATE TABLE IF NOT EXISTS {schema}.file_sent (
    uid text NOT NULL,
    file_id uuid NOT NULL REFERENCES {schema}.files (id) ON DELETE CASCADE,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (uid, file_id)
);
CREATE INDEX IF NOT EXISTS file_sent_page ON {schema}.file_sent (uid, updated_at DESC, file_id DESC);
CREATE INDEX IF NOT EXISTS file_sent_file ON {schema}.file_sent (file_id);
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON {schema}.file_sent FROM {role};
COMMENT ON TABLE {schema}.file_sent IS 'read-only';
ALTER TABLE {schema}.file_sent ENABLE ROW LEVEL SECURITY;
INSERT INTO {schema}.file_sent (uid, file_id, updated_at)
SELECT DISTINCT m.from_uid, m.file_id, f.updated_at
FROM {schema}.movements m JOIN {schema}.files f ON f.id = m.file_id
WHERE m.action IN ('forward', 'return')
ON CONFLICT (uid, file_id) DO NOTHING;
