-- assignments_list: the assignments of the request's department and the state's, newest first,
-- a page after the cursor ('micros_uuid' of the last item of the page before).
-- plan: custom
WITH page AS (
    SELECT a AS r, (extract(epoch FROM a.created_at) * 1000000)::bigint AS micros
    FROM {schema}.assignments a
    WHERE (a.dept IS NULL OR a.dept = current_setting('daftar.dept'))
      AND ($2 = '' OR ((extract(epoch FROM a.created_at) * 1000000)::bigint, a.id)
                      < (split_part($2, '_', 1)::bigint, split_part($2, '_', 2)::uuid))
    ORDER BY a.created_at DESC, a.id DESC LIMIT $1::int)
SELECT json_build_object(
    'items', coalesce((SELECT json_agg({schema}.assignment_json(p.r) ORDER BY p.micros DESC, (p.r).id DESC) FROM page p),
                      '[]'::json),
    'next_cursor', CASE WHEN (SELECT count(*) FROM page) = $1::int
                        THEN (SELECT p.micros || '_' || (p.r).id FROM page p ORDER BY p.micros, (p.r).id LIMIT 1) END)
