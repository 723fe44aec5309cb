-- inbox: what waits with the caller, files and receipts side by side, newest change first: the files they hold,
-- the receipts they hold (main receiver) that are not yet filed, and the receipts marked to them as a copy
-- (`copy`: for information; only the main receiver acts). $1 cursor 'micros_uuid' ('' = first page), $2 limit.
-- Rows of receipts are reached under row-level security as well as may_see_receipt.
-- plan: custom
WITH mine AS (
    SELECT 'file' AS kind, f.id, f.updated_at AS at, {schema}.file_json(f) AS item, false AS copy
    FROM {schema}.files f
    WHERE f.holder = {schema}.me() AND {schema}.may_see(f)
    UNION ALL
    SELECT 'receipt', x.id, x.updated_at, {schema}.receipt_json(x), x.holder <> {schema}.me()
    FROM {schema}.receipts x
    WHERE x.status <> 'filed' AND {schema}.may_see_receipt(x)
      AND (x.holder = {schema}.me()
           OR x.id IN (SELECT m.receipt_id FROM {schema}.receipt_movements m WHERE m.copies @> ARRAY[{schema}.me()]))),
page AS (
    SELECT *, (extract(epoch FROM at) * 1000000)::bigint AS micros FROM mine
    WHERE $1 = '' OR ((extract(epoch FROM at) * 1000000)::bigint, id)
                     < (split_part($1, '_', 1)::bigint, split_part($1, '_', 2)::uuid)
    ORDER BY micros DESC, id DESC
    LIMIT $2::int + 1),
shown AS (SELECT * FROM page ORDER BY micros DESC, id DESC LIMIT $2::int)
SELECT json_build_object(
    'items', coalesce((SELECT json_agg(json_build_object('kind', s.kind, s.kind, s.item, 'copy', s.copy)
                                       ORDER BY s.micros DESC, s.id DESC) FROM shown s), '[]'::json),
    'next_cursor', CASE WHEN (SELECT count(*) FROM page) > $2::int
                        THEN (SELECT s.micros || '_' || s.id FROM shown s ORDER BY s.micros, s.id LIMIT 1) END)
