-- document_add: the function in force. `daftar migrate` re-applies this file
-- when it changes; earlier bodies are history in sql/dept/ 0004.
-- The holder attaches a document; the caller says whether it was encrypted,
-- and the database insists that confidential and secret ones are. With an
-- Idempotency-Key a retry answers the first document again (p_request_hash:
-- method, path with the filename, and the bytes' SHA-256).
DROP FUNCTION IF EXISTS {schema}.document_add(uuid, text, text, bigint, text, boolean, bytea);
CREATE OR REPLACE FUNCTION {schema}.document_add(p_file uuid, p_filename text, p_type text, p_size bigint, p_sha256 text,
                                      p_encrypted boolean, p_content bytea, p_key text DEFAULT NULL,
                                      p_request_hash text DEFAULT NULL) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    v_done json := {schema}.idempotency_replay(p_key, p_request_hash);
    f {schema}.files;
    d {schema}.documents;
    v_out json;
BEGIN
    IF v_done IS NOT NULL THEN
        RETURN json_build_object('replayed', true, 'document', v_done);
    END IF;
    f := {schema}.held_file(p_file);
    IF f.classification IN ('confidential', 'secret') AND NOT p_encrypted THEN
        RAISE EXCEPTION 'Confidential documents must be encrypted.' USING ERRCODE = 'DF422';
    END IF;
    INSERT INTO {schema}.documents (file_id, filename, content_type, size, sha256, encrypted, content, uploaded_by)
    VALUES (p_file, p_filename, p_type, p_size, p_sha256, p_encrypted, p_content, {schema}.me())
    RETURNING * INTO d;
    PERFORM {schema}.audit('document.add', p_file, json_build_object('document', d.id, 'sha256', d.sha256));
    v_out := {schema}.document_json(d);
    PERFORM {schema}.idempotency_keep(p_key, p_request_hash, v_out);
    RETURN json_build_object('replayed', false, 'document', v_out);
END
$$;
