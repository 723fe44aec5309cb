-- 0004_documents: documents on a file's correspondence side. The server
-- checks the type by magic bytes and records SHA-256; confidential and secret
-- documents arrive here already encrypted (AES-256-GCM under the department's
-- data key), so their plaintext never reaches the database.
CREATE TABLE {schema}.documents (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    file_id uuid NOT NULL REFERENCES {schema}.files (id),
    filename text NOT NULL CHECK (length(filename) BETWEEN 1 AND 200),
    content_type text NOT NULL CHECK (content_type IN ('application/pdf', 'image/png', 'image/jpeg')),
    size bigint NOT NULL,
    sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    encrypted boolean NOT NULL,
    content bytea NOT NULL,
    uploaded_by text NOT NULL,
    uploaded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX documents_file ON {schema}.documents (file_id, uploaded_at);

CREATE FUNCTION {schema}.document_json(d {schema}.documents) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object('id', d.id, 'filename', d.filename, 'content_type', d.content_type, 'size', d.size,
                             'sha256', d.sha256, 'uploaded_by', d.uploaded_by,
                             'uploaded_at', to_char(d.uploaded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
$$;

-- The holder attaches a document; the caller says whether it was encrypted,
-- and the database insists that confidential and secret ones are.
CREATE FUNCTION {schema}.document_add(p_file uuid, p_filename text, p_type text, p_size bigint, p_sha256 text,
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

-- The classification of a file the caller holds, for the server to decide on encryption first.
CREATE FUNCTION {schema}.held_classification(p_file uuid) RETURNS text
LANGUAGE sql AS $$ SELECT ({schema}.held_file(p_file)).classification $$;

-- One document of a file the caller may see; reading a confidential one is audited.
CREATE FUNCTION {schema}.document_read(p_file uuid, p_doc uuid) RETURNS {schema}.documents
LANGUAGE plpgsql AS $$
DECLARE
    f {schema}.files;
    d {schema}.documents;
BEGIN
    SELECT * INTO f FROM {schema}.files WHERE id = p_file;
    IF NOT FOUND OR NOT {schema}.may_see(f) THEN
        RETURN NULL;
    END IF;
    SELECT * INTO d FROM {schema}.documents WHERE id = p_doc AND file_id = p_file;
    IF FOUND AND f.classification IN ('confidential', 'secret') THEN
        PERFORM {schema}.audit('document.read', p_file, json_build_object('document', d.id));
    END IF;
    RETURN d;
END
$$;

-- ({role} may use the schema's tables and functions by its default privileges (0001); lib/tenant/admin.c checks)
