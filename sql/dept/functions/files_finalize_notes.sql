-- files_finalize_notes: the function in force (with its triggers). `daftar migrate` re-applies this file
-- when it changes; earlier bodies are history in sql/dept/ 0003.
-- file_move finalizes the notesheet whenever the file changes hands or state.
CREATE OR REPLACE FUNCTION {schema}.files_finalize_notes() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM {schema}.notes_finalize(NEW.file_id);
    RETURN NEW;
END
$$;
CREATE OR REPLACE TRIGGER movements_finalize_notes AFTER INSERT ON {schema}.movements FOR EACH ROW
    WHEN (NEW.action <> 'create') EXECUTE FUNCTION {schema}.files_finalize_notes();
