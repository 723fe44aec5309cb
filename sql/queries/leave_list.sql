-- leave_list: applications of the request's department: box 'waiting' (pending, waiting for a
-- role the caller holds, not their own) or 'mine'; newest first, a page after the cursor
-- ('micros_uuid' of the last item of the page before).
-- plan: custom
WITH page AS (
    SELECT a AS r, (extract(epoch FROM a.created_at) * 1000000)::bigint AS micros
    FROM {schema}.leave_applications a
    WHERE a.dept = current_setting('daftar.dept')
      AND CASE $1 WHEN 'mine' THEN a.uid = current_setting('daftar.officer_uid')
                  ELSE a.status = 'pending' AND a.uid <> current_setting('daftar.officer_uid')
                       AND {schema}.in_charge(a.uid, a.waiting_role) END
      AND ($3 = '' OR ((extract(epoch FROM a.created_at) * 1000000)::bigint, a.id)
                      < (split_part($3, '_', 1)::bigint, split_part($3, '_', 2)::uuid))
    ORDER BY a.created_at DESC, a.id DESC LIMIT $2::int)
SELECT json_build_object(
    'items', coalesce((SELECT json_agg({schema}.leave_application_json(p.r) ORDER BY p.micros DESC, (p.r).id DESC)
                       FROM page p), '[]'::json),
    'next_cursor', CASE WHEN (SELECT count(*) FROM page) = $2::int
                        THEN (SELECT p.micros || '_' || (p.r).id FROM page p ORDER BY p.micros, (p.r).id LIMIT 1) END)
