-- document_json: the function in force. `daftar migrate` re-applies this file
-- when it changes; earlier bodies are history in sql/dept/ 0004.
CREATE OR REPLACE FUNCTION {schema}.document_json(d {schema}.documents) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object('id', d.id, 'filename', d.filename, 'content_type', d.content_type, 'size', d.size,
                             'sha256', d.sha256, 'uploaded_by', d.uploaded_by,
                             'uploaded_at', to_char(d.uploaded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
$$;
