-- file_get: the function in force. `daftar migrate` re-applies this file
-- when it changes; earlier bodies are history in sql/dept/ 0002.
-- One file if the caller may see it (reads of confidential and secret files are audited).
CREATE OR REPLACE FUNCTION {schema}.file_get(p_id uuid) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    f {schema}.files;
BEGIN
    SELECT * INTO f FROM {schema}.files WHERE id = p_id;
    IF NOT FOUND OR NOT {schema}.may_see(f) THEN
        RETURN NULL;
    END IF;
    IF f.classification IN ('confidential', 'secret') THEN
        PERFORM {schema}.audit('file.read', f.id, '{}');
    END IF;
    RETURN {schema}.file_json(f);
END
$$;
