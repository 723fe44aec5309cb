-- receipts_list: one page of the receipts the caller may see, newest first.
-- $1 filed ('yes' | 'no' | '' = any), $2 cursor 'micros_uuid' of the last receipt shown ('' = first page), $3 limit.
-- Planned for the actual values (lib/db/db.c): with '' = any folded away the plan skips the filter.
-- plan: custom
WITH page AS (
    SELECT x AS receipt, x.id, (extract(epoch FROM x.created_at) * 1000000)::bigint AS micros
    FROM {schema}.receipts x
    WHERE {schema}.may_see_receipt(x)
      AND ($1 = '' OR (x.file_id IS NOT NULL) = ($1 = 'yes'))
      AND ($2 = '' OR ((extract(epoch FROM x.created_at) * 1000000)::bigint, x.id)
                      < (split_part($2, '_', 1)::bigint, split_part($2, '_', 2)::uuid))
    ORDER BY micros DESC, x.id DESC
    LIMIT $3::int + 1),
shown AS (SELECT * FROM page ORDER BY micros DESC, id DESC LIMIT $3::int)
SELECT json_build_object(
    'items', coalesce((SELECT json_agg({schema}.receipt_json(s.receipt) ORDER BY s.micros DESC, s.id DESC) FROM shown s),
                      '[]'::json),
    'next_cursor', CASE WHEN (SELECT count(*) FROM page) > $3::int
                        THEN (SELECT s.micros || '_' || s.id FROM shown s ORDER BY s.micros, s.id LIMIT 1) END)
