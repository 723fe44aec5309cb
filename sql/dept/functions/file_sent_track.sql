-- file_sent_track: keeps file_sent (department 0031) in the transaction of the change: a forward or return
-- adds the sender's row (the `sent` box's rule: a movement from them of that kind), and a file's new
-- updated_at is copied to its rows, and to its rows of file_seen (file_seen_track.sql), so the boxes' indexes keep
-- the files' order. SECURITY DEFINER (the schema's
-- owner, past row-level security): the rows are other officers' too.
CREATE OR REPLACE FUNCTION {schema}.file_sent_moved() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
BEGIN
    INSERT INTO {schema}.file_sent (uid, file_id, updated_at)
    SELECT NEW.from_uid, f.id, f.updated_at FROM {schema}.files f WHERE f.id = NEW.file_id
    ON CONFLICT (uid, file_id) DO UPDATE SET updated_at = excluded.updated_at;
    RETURN NEW;
END
$$;
CREATE OR REPLACE TRIGGER movements_file_sent AFTER INSERT ON {schema}.movements FOR EACH ROW
    WHEN (NEW.action IN ('forward', 'return')) EXECUTE FUNCTION {schema}.file_sent_moved();

CREATE OR REPLACE FUNCTION {schema}.file_sent_touched() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
BEGIN
    UPDATE {schema}.file_sent SET updated_at = NEW.updated_at WHERE file_id = NEW.id;
    UPDATE {schema}.file_seen SET updated_at = NEW.updated_at WHERE file_id = NEW.id; -- department 0032 (the all box)
    RETURN NEW;
END
$$;
CREATE OR REPLACE TRIGGER files_file_sent AFTER UPDATE OF updated_at ON {schema}.files FOR EACH ROW
    WHEN (NEW.updated_at IS DISTINCT FROM OLD.updated_at) EXECUTE FUNCTION {schema}.file_sent_touched();
