-- notes_guard: the function in force (with its triggers). `daftar migrate` re-applies this file
-- when it changes; earlier bodies are history in sql/dept/ 0003.
CREATE OR REPLACE FUNCTION {schema}.notes_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status = 'final' THEN
        RAISE EXCEPTION 'A final note never changes.' USING ERRCODE = 'DF409';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END
$$;
CREATE OR REPLACE TRIGGER notes_guard BEFORE UPDATE OR DELETE ON {schema}.notes FOR EACH ROW EXECUTE FUNCTION {schema}.notes_guard();
