-- documents_list: the documents of a file the caller may see.
SELECT json_build_object('items', coalesce((SELECT json_agg({schema}.document_json(d) ORDER BY d.uploaded_at, d.id)
                                            FROM {schema}.documents d WHERE d.file_id = f.id), '[]'::json))
FROM {schema}.files f
WHERE f.id = $1::uuid AND {schema}.may_see(f)
