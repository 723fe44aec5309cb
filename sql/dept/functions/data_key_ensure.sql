-- data_key_ensure: the function in force. `daftar migrate` re-applies this file
-- when it changes; earlier bodies are history in sql/dept/ 0007.
-- Sets the sealed key unless one is there, and returns the one that is
-- (another server may have set it first).
CREATE OR REPLACE FUNCTION {schema}.data_key_ensure(p_sealed text) RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE daftar.dept_key SET data_key = p_sealed WHERE data_key IS NULL;
    RETURN (SELECT data_key FROM daftar.dept_key);
END
$$;
