-- courses_list: the courses the caller may read (courses_policies: drafts only for their
-- administrators), $1 a status or '' for every one, oldest first, a page after the cursor
-- ('micros_uuid' of the last item of the page before).
-- plan: custom
WITH page AS (
    SELECT c AS r, (extract(epoch FROM c.created_at) * 1000000)::bigint AS micros
    FROM {schema}.courses c
    WHERE ($1 = '' OR c.status = $1)
      AND ($3 = '' OR ((extract(epoch FROM c.created_at) * 1000000)::bigint, c.id)
                      > (split_part($3, '_', 1)::bigint, split_part($3, '_', 2)::uuid))
    ORDER BY c.created_at, c.id LIMIT $2::int)
SELECT json_build_object(
    'items', coalesce((SELECT json_agg({schema}.course_json(p.r, false) ORDER BY p.micros, (p.r).id) FROM page p), '[]'::json),
    'next_cursor', CASE WHEN (SELECT count(*) FROM page) = $2::int
                        THEN (SELECT p.micros || '_' || (p.r).id FROM page p ORDER BY p.micros DESC, (p.r).id DESC LIMIT 1) END)
