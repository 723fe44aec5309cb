-- documents_guard: a document never changes or goes away; the only update is
-- filing a receipt's letter on a file (file_id, from none to a file), and
-- weeding (department 0030): its bytes emptied, weeded_at set, nothing else,
-- only in the transaction that wrote the file's weeding record (weeding_now).
CREATE OR REPLACE FUNCTION {schema}.documents_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.file_id IS NULL AND NEW.file_id IS NOT NULL
       AND to_jsonb(NEW) - 'file_id' = to_jsonb(OLD) - 'file_id' THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.weeded_at IS NULL AND NEW.weeded_at IS NOT NULL AND NEW.content = ''::bytea
       AND to_jsonb(NEW) - 'content' - 'weeded_at' = to_jsonb(OLD) - 'content' - 'weeded_at'
       AND OLD.file_id IS NOT NULL AND {schema}.weeding_now(OLD.file_id) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'documents is append-only: a document never changes.' USING ERRCODE = 'DF409';
END
$$;
CREATE OR REPLACE TRIGGER documents_guard BEFORE UPDATE OR DELETE ON {schema}.documents
    FOR EACH ROW EXECUTE FUNCTION {schema}.documents_guard();
