-- draft_document_add: the author uploads the letter as a PDF (or image):
-- a document of the file, and the draft's letter from now on (a new
-- version, so no approval).
CREATE OR REPLACE FUNCTION {schema}.draft_document_add(p_file uuid, p_draft uuid, p_filename text, p_type text,
                                                       p_size bigint, p_sha256 text, p_encrypted boolean, p_content bytea)
RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    d {schema}.drafts := {schema}.held_draft(p_file, p_draft, NULL);
    v_doc uuid;
BEGIN
    IF p_type <> 'application/pdf' THEN
        RAISE EXCEPTION 'A letter is a PDF.' USING ERRCODE = 'DF422', HINT = 'letter-not-pdf';
    END IF;
    v_doc := ({schema}.document_add(p_file, p_filename, p_type, p_size, p_sha256, p_encrypted, p_content) -> 'document'
              ->> 'id')::uuid;
    d.document_id := v_doc;
    d.version := d.version + 1;
    d.hash := {schema}.draft_hash(d);
    UPDATE {schema}.drafts y SET document_id = d.document_id, version = d.version, hash = d.hash, updated_at = now()
    WHERE y.id = d.id;
    PERFORM {schema}.audit('draft.document', p_file, json_build_object('draft', d.id, 'version', d.version,
                                                                      'document', v_doc, 'sha256', p_sha256));
    RETURN (SELECT {schema}.document_json(y) FROM {schema}.documents y WHERE y.id = v_doc);
END
$$;
