-- signatures_guard: the function in force (with its triggers). `daftar migrate` re-applies this file
-- when it changes; earlier bodies are history in sql/dept/ 0005.
-- A signature never changes; it goes only with its note when the file is
-- weeded, in the transaction that wrote the weeding record (weeding_now,
-- department 0030).
CREATE OR REPLACE FUNCTION {schema}.signatures_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND {schema}.weeding_now(OLD.file_id) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'A signature never changes.' USING ERRCODE = 'DF409';
END
$$;
CREATE OR REPLACE TRIGGER note_signatures_guard BEFORE UPDATE OR DELETE ON {schema}.note_signatures
    FOR EACH ROW EXECUTE FUNCTION {schema}.signatures_guard();
