-- documents_list: a page of the documents of a file the caller may see, in upload order (audited for
-- confidential and secret files). $2 cursor 'micros_uuid' of the last document shown ('' = the first
-- page), $3 at most this many; next_cursor is the last one's when more follow.
-- plan: custom
WITH f AS MATERIALIZED (SELECT v.id FROM {schema}.visible_file($1::uuid, 'documents.list') v WHERE v.id IS NOT NULL),
page AS (
    SELECT d AS doc, d.id, (extract(epoch FROM d.uploaded_at) * 1000000)::bigint AS micros
    FROM f JOIN {schema}.documents d ON d.file_id = f.id
    WHERE $2 = '' OR ((extract(epoch FROM d.uploaded_at) * 1000000)::bigint, d.id)
                     > (split_part($2, '_', 1)::bigint, split_part($2, '_', 2)::uuid)
    ORDER BY micros, d.id
    LIMIT $3::int + 1),
shown AS (SELECT * FROM page ORDER BY micros, id LIMIT $3::int)
SELECT json_build_object(
    'items', coalesce((SELECT json_agg({schema}.document_json(s.doc) ORDER BY s.micros, s.id) FROM shown s), '[]'::json),
    'next_cursor', CASE WHEN (SELECT count(*) FROM page) > $3::int
                        THEN (SELECT s.micros || '_' || s.id FROM shown s ORDER BY s.micros DESC, s.id DESC LIMIT 1) END)
FROM f
