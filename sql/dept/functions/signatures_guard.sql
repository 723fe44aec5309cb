-- signatures_guard: the function in force (with its triggers). `daftar migrate` re-applies this file
-- when it changes; earlier bodies are history in sql/dept/ 0005.
CREATE OR REPLACE FUNCTION {schema}.signatures_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'A signature never changes.' USING ERRCODE = 'DF409';
END
$$;
CREATE OR REPLACE TRIGGER note_signatures_guard BEFORE UPDATE OR DELETE ON {schema}.note_signatures
    FOR EACH ROW EXECUTE FUNCTION {schema}.signatures_guard();
