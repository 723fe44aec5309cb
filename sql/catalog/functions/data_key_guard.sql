-- data_key_guard: the function in force (with its triggers). `daftar migrate` re-applies this file
-- when it changes; earlier bodies are history in sql/catalog/ 0010.
CREATE OR REPLACE FUNCTION daftar.data_key_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.data_key IS NOT NULL AND NEW.data_key IS DISTINCT FROM OLD.data_key THEN
        RAISE EXCEPTION 'A department''s data key is set once.' USING ERRCODE = 'DF409';
    END IF;
    RETURN NEW;
END
$$;
CREATE OR REPLACE TRIGGER departments_data_key BEFORE UPDATE OF data_key ON daftar.departments
    FOR EACH ROW EXECUTE FUNCTION daftar.data_key_guard();
