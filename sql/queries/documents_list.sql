-- documents_list: the documents of a file the caller may see (audited for confidential and secret files).
SELECT json_build_object('items', coalesce((SELECT json_agg({schema}.document_json(d) ORDER BY d.uploaded_at, d.id)
                                            FROM {schema}.documents d WHERE d.file_id = f.id), '[]'::json))
FROM {schema}.visible_file($1::uuid, 'documents.list') f
WHERE f.id IS NOT NULL
