-- file_seen: the files each officer sees by having created or held them (file_access) or by having created or
-- held the main file of a part file (issue 25 §2), so the `all` box is a few index ranges from the cursor on
-- (sql/queries/files_all.sql) instead of a scan of every file of the department with may_see a row. updated_at
-- mirrors files.updated_at (file_seen_track.sql keeps both in the same transaction) so the page's order is the
-- index's. files_updated serves the records keepers (records_officer, dept_admin: every unclassified and
-- restricted file), file_access_file the part file's readers. Read only by its officer (file_seen_policies.sql);
-- written only by the triggers (SECURITY DEFINER). Backfilled. Idempotent (test_tenancy replays department
-- migrations).
CREATE TABLE IF NOT EXISTS {schema}.file_seen (
    uid text NOT NULL,
    file_id uuid NOT NULL REFERENCES {schema}.files (id) ON DELETE CASCADE,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (uid, file_id)
);
CREATE INDEX IF NOT EXISTS file_seen_page ON {schema}.file_seen (uid, updated_at DESC, file_id DESC);
CREATE INDEX IF NOT EXISTS file_seen_file ON {schema}.file_seen (file_id);
CREATE INDEX IF NOT EXISTS file_access_file ON {schema}.file_access (file_id);
CREATE INDEX IF NOT EXISTS files_updated ON {schema}.files (updated_at DESC, id DESC);
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON {schema}.file_seen FROM {role};
COMMENT ON TABLE {schema}.file_seen IS 'read-only';
ALTER TABLE {schema}.file_seen ENABLE ROW LEVEL SECURITY;
INSERT INTO {schema}.file_seen (uid, file_id, updated_at)
SELECT a.uid, f.id, f.updated_at FROM {schema}.file_access a JOIN {schema}.files f ON f.id = a.file_id
UNION
SELECT a.uid, p.id, p.updated_at FROM {schema}.file_access a JOIN {schema}.files p ON p.parent_id = a.file_id
ON CONFLICT (uid, file_id) DO NOTHING;
