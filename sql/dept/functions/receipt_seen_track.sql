-- receipt_seen_track: keeps receipt_seen (department 0033) in the transaction of the change. An access row
-- (registered, marked to or copied: receipts_registered, receipt_mark, handover) adds the officer's row; a row of
-- file_seen (the officer sees the file by access, or a part file through its main) adds a row for each receipt in
-- that file; a receipt put into a file adds a row for each officer with a file_seen row of it (may_see_receipt:
-- whoever may see the file sees the receipts in it). SECURITY DEFINER (the schema's owner, past row-level
-- security): the rows are other officers' too.
CREATE OR REPLACE FUNCTION {schema}.receipt_seen_accessed() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
BEGIN
    INSERT INTO {schema}.receipt_seen (uid, receipt_id, created_at)
    SELECT NEW.uid, x.id, x.created_at FROM {schema}.receipts x WHERE x.id = NEW.receipt_id
    ON CONFLICT (uid, receipt_id) DO NOTHING;
    RETURN NEW;
END
$$;
CREATE OR REPLACE TRIGGER receipt_access_receipt_seen AFTER INSERT ON {schema}.receipt_access FOR EACH ROW
    EXECUTE FUNCTION {schema}.receipt_seen_accessed();

CREATE OR REPLACE FUNCTION {schema}.receipt_seen_file_seen() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
BEGIN
    INSERT INTO {schema}.receipt_seen (uid, receipt_id, created_at)
    SELECT NEW.uid, x.id, x.created_at FROM {schema}.receipts x WHERE x.file_id = NEW.file_id
    ON CONFLICT (uid, receipt_id) DO NOTHING;
    RETURN NEW;
END
$$;
CREATE OR REPLACE TRIGGER file_seen_receipt_seen AFTER INSERT ON {schema}.file_seen FOR EACH ROW
    EXECUTE FUNCTION {schema}.receipt_seen_file_seen();

CREATE OR REPLACE FUNCTION {schema}.receipt_seen_filed() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
BEGIN
    INSERT INTO {schema}.receipt_seen (uid, receipt_id, created_at)
    SELECT s.uid, NEW.id, NEW.created_at FROM {schema}.file_seen s WHERE s.file_id = NEW.file_id
    ON CONFLICT (uid, receipt_id) DO NOTHING;
    RETURN NEW;
END
$$;
CREATE OR REPLACE TRIGGER receipts_receipt_seen AFTER INSERT OR UPDATE OF file_id ON {schema}.receipts FOR EACH ROW
    WHEN (NEW.file_id IS NOT NULL) EXECUTE FUNCTION {schema}.receipt_seen_filed();
