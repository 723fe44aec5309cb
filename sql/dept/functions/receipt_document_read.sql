-- receipt_document_read: the function in force. `daftar migrate` re-applies this file
-- when it changes; earlier bodies are history in sql/dept/ 0006.
-- A receipt's letter; none once weeded with the file it was filed in (department 0030).
CREATE OR REPLACE FUNCTION {schema}.receipt_document_read(p_id uuid) RETURNS {schema}.documents
LANGUAGE plpgsql AS $$
DECLARE
    x {schema}.receipts;
    d {schema}.documents;
BEGIN
    SELECT * INTO x FROM {schema}.receipts WHERE id = p_id;
    IF NOT FOUND OR NOT {schema}.may_see_receipt(x) THEN
        RETURN NULL;
    END IF;
    SELECT * INTO d FROM {schema}.documents WHERE receipt_id = p_id AND weeded_at IS NULL;
    IF FOUND AND x.classification IN ('confidential', 'secret') THEN
        PERFORM {schema}.audit('document.read', p_id, json_build_object('document', d.id));
    END IF;
    RETURN d;
END
$$;
