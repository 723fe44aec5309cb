-- document_get: the content and metadata of document $2 of file $1 (asked for in binary:
-- every column is text but the content), with the department's sealed data key.
-- The function runs once (it audits).
SELECT d.content, d.content_type, d.filename, d.sha256, d.encrypted::text, (SELECT data_key FROM daftar.dept_key)
FROM {schema}.document_read($1::uuid, $2::uuid) d
WHERE d.id IS NOT NULL
