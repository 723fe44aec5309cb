-- documents_guard: a document never changes or goes away; the only update is
-- filing a receipt's letter on a file (file_id, from none to a file).
CREATE OR REPLACE FUNCTION {schema}.documents_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.file_id IS NULL AND NEW.file_id IS NOT NULL
       AND to_jsonb(NEW) - 'file_id' = to_jsonb(OLD) - 'file_id' THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'documents is append-only: a document never changes.' USING ERRCODE = 'DF409';
END
$$;
CREATE OR REPLACE TRIGGER documents_guard BEFORE UPDATE OR DELETE ON {schema}.documents
    FOR EACH ROW EXECUTE FUNCTION {schema}.documents_guard();
