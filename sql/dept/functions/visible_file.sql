-- visible_file: the function in force. `daftar migrate` re-applies this file
-- when it changes; earlier bodies are history in sql/dept/ 0008.
-- The file if the caller may see it (a row of NULLs otherwise); a read of
-- confidential or secret content appends audit event `p_what`.
CREATE OR REPLACE FUNCTION {schema}.visible_file(p_id uuid, p_what text) RETURNS {schema}.files
LANGUAGE plpgsql AS $$
DECLARE
    f {schema}.files;
BEGIN
    SELECT * INTO f FROM {schema}.files WHERE id = p_id;
    IF NOT FOUND OR NOT {schema}.may_see(f) THEN
        RETURN NULL;
    END IF;
    IF f.classification IN ('confidential', 'secret') THEN
        PERFORM {schema}.audit(p_what, f.id, '{}');
    END IF;
    RETURN f;
END
$$;
