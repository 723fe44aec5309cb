-- receipt_document_get: the document of receipt $1 (columns as in document_get).
SELECT d.content, d.content_type, d.filename, d.sha256, d.encrypted::text, (SELECT data_key FROM daftar.dept_key)
FROM {schema}.receipt_document_read($1::uuid) d
WHERE d.id IS NOT NULL
