-- file_seen_track: keeps file_seen (department 0032) in the transaction of the change. An access row (created
-- or held: file_create, part_open, file_move, handover) adds the officer's row for the file and for each of its
-- part files; a part file opened adds a row for each officer with access to its main file (may_see: whoever may
-- see the main sees the part). A file's new updated_at is copied to its rows by file_sent_touched
-- (file_sent_track.sql), with file_sent's, so the `all` box's index keeps the files' order. Every holder has an
-- access row (each function that sets a holder adds it), so file_seen also covers the part files of the mains
-- the caller holds. SECURITY DEFINER (the schema's owner, past row-level security): the rows are other
-- officers' too.
CREATE OR REPLACE FUNCTION {schema}.file_seen_accessed() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
BEGIN
    INSERT INTO {schema}.file_seen (uid, file_id, updated_at)
    SELECT NEW.uid, f.id, f.updated_at FROM {schema}.files f WHERE f.id = NEW.file_id
    UNION ALL
    SELECT NEW.uid, p.id, p.updated_at FROM {schema}.files p WHERE p.parent_id = NEW.file_id
    ON CONFLICT (uid, file_id) DO NOTHING;
    RETURN NEW;
END
$$;
CREATE OR REPLACE TRIGGER file_access_file_seen AFTER INSERT ON {schema}.file_access FOR EACH ROW
    EXECUTE FUNCTION {schema}.file_seen_accessed();

CREATE OR REPLACE FUNCTION {schema}.file_seen_part() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
BEGIN
    INSERT INTO {schema}.file_seen (uid, file_id, updated_at)
    SELECT a.uid, NEW.id, NEW.updated_at FROM {schema}.file_access a WHERE a.file_id = NEW.parent_id
    ON CONFLICT (uid, file_id) DO NOTHING;
    RETURN NEW;
END
$$;
CREATE OR REPLACE TRIGGER files_part_file_seen AFTER INSERT ON {schema}.files FOR EACH ROW
    WHEN (NEW.parent_id IS NOT NULL) EXECUTE FUNCTION {schema}.file_seen_part();
