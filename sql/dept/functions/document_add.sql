-- document_add: the function in force. `daftar migrate` re-applies this file
-- when it changes; earlier bodies are history in sql/dept/ 0004.
-- The holder attaches a document; the caller says whether it was encrypted,
-- and the database insists that confidential and secret ones are.
CREATE OR REPLACE FUNCTION {schema}.document_add(p_file uuid, p_filename text, p_type text, p_size bigint, p_sha256 text,
                                      p_encrypted boolean, p_content bytea) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    f {schema}.files := {schema}.held_file(p_file);
    d {schema}.documents;
BEGIN
    IF f.classification IN ('confidential', 'secret') AND NOT p_encrypted THEN
        RAISE EXCEPTION 'Confidential documents must be encrypted.' USING ERRCODE = 'DF422';
    END IF;
    INSERT INTO {schema}.documents (file_id, filename, content_type, size, sha256, encrypted, content, uploaded_by)
    VALUES (p_file, p_filename, p_type, p_size, p_sha256, p_encrypted, p_content, {schema}.me())
    RETURNING * INTO d;
    PERFORM {schema}.audit('document.add', p_file, json_build_object('document', d.id, 'sha256', d.sha256));
    RETURN {schema}.document_json(d);
END
$$;
