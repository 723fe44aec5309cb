-- dispatch_document_add: the dispatch section attaches the letter as sent
-- (a PDF: the signed scan) to a dispatch without one; it is also a
-- document of the file.
CREATE OR REPLACE FUNCTION {schema}.dispatch_document_add(p_id uuid, p_filename text, p_type text, p_size bigint,
                                                          p_sha256 text, p_encrypted boolean, p_content bytea) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    v_class text := {schema}.dispatch_classification(p_id);
    x {schema}.dispatches;
    d {schema}.documents;
BEGIN
    IF p_type <> 'application/pdf' THEN
        RAISE EXCEPTION 'A letter is a PDF.' USING ERRCODE = 'DF422', HINT = 'letter-not-pdf';
    END IF;
    IF v_class IN ('confidential', 'secret') AND NOT p_encrypted THEN
        RAISE EXCEPTION 'Confidential documents must be encrypted.' USING ERRCODE = 'DF422', HINT = 'confidential-not-encrypted';
    END IF;
    SELECT * INTO x FROM {schema}.dispatches WHERE id = p_id;
    INSERT INTO {schema}.documents (file_id, filename, content_type, size, sha256, encrypted, content, uploaded_by)
    VALUES (x.file_id, p_filename, p_type, p_size, p_sha256, p_encrypted, p_content, {schema}.me())
    RETURNING * INTO d;
    UPDATE {schema}.dispatches SET document_id = d.id, version = version + 1 WHERE id = p_id;
    PERFORM {schema}.audit('dispatch.letter', x.file_id, json_build_object('dispatch', x.id, 'document', d.id,
                                                                         'sha256', d.sha256));
    RETURN {schema}.document_json(d);
END
$$;
