-- drafts_list: the drafts of a file the caller may see, oldest first; reading those of a confidential or secret
-- file appends audit event drafts.read.
SELECT json_build_object('items', coalesce((SELECT json_agg({schema}.draft_json(d) ORDER BY d.created_at, d.id)
                                            FROM {schema}.drafts d WHERE d.file_id = f.id), '[]'::json))
FROM {schema}.visible_file($1::uuid, 'drafts.read') f
WHERE f.id IS NOT NULL
