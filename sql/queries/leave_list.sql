-- leave_list: applications of the request's department: box 'waiting' (pending, waiting for a
-- role the caller holds, not their own) or 'mine'; newest first, a page after the cursor
-- ('micros_uuid' of the last item of the page before).
-- $4 updated_since ('' = none; RFC 3339, checked by dft_kit_query_time): only the applications changed after
-- it (updated_at), and `removed`: under box 'waiting', every application changed after it that no longer
-- waits for the caller (decided, escalated, cancelled) and could have (a role of its chain is the caller's,
-- or the caller acted on it): no other officer's application is named; the same on every page. The caller's own never
-- leave 'mine'. `synced_at` is daftar.sync_mark's.
-- plan: custom
WITH page AS (
    SELECT a AS r, (extract(epoch FROM a.created_at) * 1000000)::bigint AS micros
    FROM {schema}.leave_applications a
    WHERE a.dept = current_setting('daftar.dept')
      AND CASE $1 WHEN 'mine' THEN a.uid = current_setting('daftar.officer_uid')
                  ELSE a.status = 'pending' AND a.uid <> current_setting('daftar.officer_uid')
                       AND {schema}.in_charge(a.uid, a.waiting_role) END
      AND ($4 = '' OR a.updated_at > $4::timestamptz)
      AND ($3 = '' OR ((extract(epoch FROM a.created_at) * 1000000)::bigint, a.id)
                      < (split_part($3, '_', 1)::bigint, split_part($3, '_', 2)::uuid))
    ORDER BY a.created_at DESC, a.id DESC LIMIT $2::int),
listed AS (SELECT json_build_object(
    'items', coalesce((SELECT json_agg({schema}.leave_application_json(p.r) ORDER BY p.micros DESC, (p.r).id DESC)
                       FROM page p), '[]'::json),
    'next_cursor', CASE WHEN (SELECT count(*) FROM page) = $2::int
                        THEN (SELECT p.micros || '_' || (p.r).id FROM page p ORDER BY p.micros, (p.r).id LIMIT 1) END,
    'synced_at', daftar.sync_mark((SELECT max((p.r).updated_at) FROM page p), $4)) AS page)
SELECT CASE WHEN $4 = '' THEN l.page ELSE (l.page::jsonb || jsonb_build_object('removed', coalesce(
    (SELECT jsonb_agg(a.id ORDER BY a.id) FROM {schema}.leave_applications a
     WHERE $1 = 'waiting' AND a.dept = current_setting('daftar.dept') AND a.updated_at > $4::timestamptz
       AND a.uid <> current_setting('daftar.officer_uid')
       AND NOT (a.status = 'pending' AND {schema}.in_charge(a.uid, a.waiting_role))
       AND (EXISTS (SELECT 1 FROM unnest(a.roles || a.waiting_role) w WHERE {schema}.in_charge(a.uid, w))
            OR EXISTS (SELECT 1 FROM {schema}.leave_actions x WHERE x.application = a.id
                       AND x.by = current_setting('daftar.officer_uid')))
       ), '[]'::jsonb)))::json END
FROM listed l
