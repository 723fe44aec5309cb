-- document_read: the function in force. `daftar migrate` re-applies this file
-- when it changes; earlier bodies are history in sql/dept/ 0004.
-- One document of a file the caller may see; reading a confidential one is audited. A weeded
-- document's bytes are gone (department 0030): none.
CREATE OR REPLACE FUNCTION {schema}.document_read(p_file uuid, p_doc uuid) RETURNS {schema}.documents
LANGUAGE plpgsql AS $$
DECLARE
    f {schema}.files;
    d {schema}.documents;
BEGIN
    SELECT * INTO f FROM {schema}.files WHERE id = p_file;
    IF NOT FOUND OR NOT {schema}.may_see(f) THEN
        RETURN NULL;
    END IF;
    SELECT * INTO d FROM {schema}.documents WHERE id = p_doc AND file_id = p_file AND weeded_at IS NULL;
    IF FOUND AND f.classification IN ('confidential', 'secret') THEN
        PERFORM {schema}.audit('document.read', p_file, json_build_object('document', d.id));
    END IF;
    RETURN d;
END
$$;
