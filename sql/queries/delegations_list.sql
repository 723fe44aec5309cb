-- delegations_list: one page of the delegations the caller may see (given, received, or all for a
-- dept_admin), newest first. $1 cursor 'micros_uuid' of the last one shown ('' = first page), $2 limit.
-- Planned for the actual values (lib/db/db.c): the first page folds the cursor test away.
-- plan: custom
WITH page AS (
    SELECT d AS delegation, d.id, (extract(epoch FROM d.created_at) * 1000000)::bigint AS micros
    FROM {schema}.delegations d
    WHERE {schema}.may_see_delegation(d)
      AND ($1 = '' OR ((extract(epoch FROM d.created_at) * 1000000)::bigint, d.id)
                      < (split_part($1, '_', 1)::bigint, split_part($1, '_', 2)::uuid))
    ORDER BY micros DESC, d.id DESC
    LIMIT $2::int + 1),
shown AS (SELECT * FROM page ORDER BY micros DESC, id DESC LIMIT $2::int)
SELECT json_build_object(
    'items', coalesce((SELECT json_agg({schema}.delegation_json(s.delegation) ORDER BY s.micros DESC, s.id DESC)
                       FROM shown s), '[]'::json),
    'next_cursor', CASE WHEN (SELECT count(*) FROM page) > $2::int
                        THEN (SELECT s.micros || '_' || s.id FROM shown s ORDER BY s.micros, s.id LIMIT 1) END)
