-- receipt_document_get: the document of receipt $1 (binary columns as in document_get).
SELECT d.content, d.content_type, d.filename, d.sha256, d.encrypted::text
FROM {schema}.receipt_document_read($1::uuid) d
WHERE d.id IS NOT NULL
