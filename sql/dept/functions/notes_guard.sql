-- notes_guard: the function in force (with its triggers). `daftar migrate` re-applies this file
-- when it changes; earlier bodies are history in sql/dept/ 0003.
-- A note is born a draft (security review item 5: a note inserted already
-- final, with a forged hash, was accepted); a final note never changes. It
-- goes only when its file is weeded, in the transaction that wrote the
-- weeding record (weeding_now, department 0030).
CREATE OR REPLACE FUNCTION {schema}.notes_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.status <> 'draft' OR NEW.finalized_at IS NOT NULL THEN
            RAISE EXCEPTION 'A note is written as a draft.' USING ERRCODE = 'DF409';
        END IF;
        RETURN NEW;
    END IF;
    IF TG_OP = 'DELETE' AND {schema}.weeding_now(OLD.file_id) THEN
        RETURN OLD;
    END IF;
    IF OLD.status = 'final' THEN
        RAISE EXCEPTION 'A final note never changes.' USING ERRCODE = 'DF409';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END
$$;
CREATE OR REPLACE TRIGGER notes_guard BEFORE INSERT OR UPDATE OR DELETE ON {schema}.notes
    FOR EACH ROW EXECUTE FUNCTION {schema}.notes_guard();
