-- receipt_document_add: the function in force. `daftar migrate` re-applies this file
-- when it changes; earlier bodies are history in sql/dept/ 0006.
CREATE OR REPLACE FUNCTION {schema}.receipt_document_add(p_id uuid, p_filename text, p_type text, p_size bigint, p_sha256 text,
                                              p_encrypted boolean, p_content bytea) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    v_class text := {schema}.held_receipt_classification(p_id);
    d {schema}.documents;
BEGIN
    IF v_class IN ('confidential', 'secret') AND NOT p_encrypted THEN
        RAISE EXCEPTION 'Confidential documents must be encrypted.' USING ERRCODE = 'DF422';
    END IF;
    IF EXISTS (SELECT 1 FROM {schema}.documents WHERE receipt_id = p_id) THEN
        RAISE EXCEPTION 'The receipt has its document already.' USING ERRCODE = 'DF409';
    END IF;
    INSERT INTO {schema}.documents (receipt_id, filename, content_type, size, sha256, encrypted, content, uploaded_by)
    VALUES (p_id, p_filename, p_type, p_size, p_sha256, p_encrypted, p_content, {schema}.me())
    RETURNING * INTO d;
    PERFORM {schema}.audit('receipt.document', p_id, json_build_object('document', d.id, 'sha256', d.sha256));
    RETURN {schema}.document_json(d);
END
$$;
