-- dispatch_document_get: the letter of dispatch $1 (asked for in binary: every column is text but the content),
-- with the department's sealed data key; the dispatch must be one the caller may see. Reading a confidential or
-- secret one appends audit event document.read.
SELECT d.content, d.content_type, d.filename, d.sha256, d.encrypted::text, (SELECT data_key FROM daftar.dept_key),
       CASE WHEN x.classification IN ('confidential', 'secret')
            THEN {schema}.audit('document.read', x.file_id, json_build_object('document', d.id, 'dispatch', x.id)) END
FROM {schema}.dispatches x
JOIN {schema}.documents d ON d.id = x.document_id
WHERE x.id = $1::uuid AND {schema}.may_see_dispatch(x)
