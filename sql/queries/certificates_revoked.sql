-- certificates_revoked: every revoked certificate's id and when, oldest first, a page after the
-- cursor ('micros_uuid' of the last item of the page before). Public: ids only.
-- plan: custom
WITH page AS (
    SELECT r.completion, r.revoked_at, (extract(epoch FROM r.revoked_at) * 1000000)::bigint AS micros
    FROM {schema}.revocations r
    WHERE $2 = '' OR ((extract(epoch FROM r.revoked_at) * 1000000)::bigint, r.completion)
                     > (split_part($2, '_', 1)::bigint, split_part($2, '_', 2)::uuid)
    ORDER BY r.revoked_at, r.completion LIMIT $1::int)
SELECT json_build_object(
    'items', coalesce((SELECT json_agg(json_build_object('id', p.completion, 'revoked_at', p.revoked_at)
                                       ORDER BY p.micros, p.completion) FROM page p), '[]'::json),
    'next_cursor', CASE WHEN (SELECT count(*) FROM page) = $1::int
                        THEN (SELECT p.micros || '_' || p.completion FROM page p ORDER BY p.micros DESC, p.completion DESC
                              LIMIT 1) END)
