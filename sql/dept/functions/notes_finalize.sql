-- notes_finalize: the function in force. `daftar migrate` re-applies this file
-- when it changes; earlier bodies are history in sql/dept/ 0003, 0005.
CREATE OR REPLACE FUNCTION {schema}.notes_finalize(p_id uuid) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM {schema}.notes_seal(p_id, 2147483647);
END
$$;
