-- receipts_all: one page of the receipt register with no filter, newest first (lib/files/receipts.c picks it;
-- receipts_list serves searches and updated_since). $1 the cursor's created_at as a timestamp ('infinity' for the
-- first page), $2 its receipt id ('ffffffff-ffff-ffff-ffff-ffffffffffff' for the first page), $3 limit. Same items,
-- next_cursor and synced_at as receipts_list. The page starts from what the caller can see (may_see_receipt.sql),
-- each source a range of an index from the cursor on, at most a page and one of it, with may_see_receipt on each
-- row: the receipts the caller holds (receipts_held); registered, held, copied, or in a file they see by access
-- (receipt_seen_page, department 0033); held by an officer whose acting charge the caller holds today
-- (receipts_held), or in a file that officer holds or a part file of one (files_holder, receipts_file); for records
-- keepers, every receipt (receipts_created). The page is the newest of their union, may_see_receipt again the final
-- word.
WITH found AS (
    (SELECT x.id FROM {schema}.receipts x
     WHERE x.holder = {schema}.me() AND (x.created_at, x.id) < ($1::timestamptz, $2::uuid)
       AND {schema}.may_see_receipt(x)
     ORDER BY x.created_at DESC, x.id DESC
     LIMIT $3::int + 1)
    UNION
    (SELECT s.receipt_id FROM {schema}.receipt_seen s JOIN {schema}.receipts x ON x.id = s.receipt_id
     WHERE s.uid = {schema}.me() AND (s.created_at, s.receipt_id) < ($1::timestamptz, $2::uuid)
       AND {schema}.may_see_receipt(x)
     ORDER BY s.created_at DESC, s.receipt_id DESC
     LIMIT $3::int + 1)
    UNION
    (SELECT a.id FROM {schema}.charges c
     CROSS JOIN LATERAL ((SELECT x.id FROM {schema}.receipts x
                          WHERE x.holder = c.of_uid AND (x.created_at, x.id) < ($1::timestamptz, $2::uuid)
                            AND {schema}.may_see_receipt(x)
                          ORDER BY x.created_at DESC, x.id DESC
                          LIMIT $3::int + 1)
                         UNION ALL
                         (SELECT x.id FROM {schema}.files f
                          JOIN {schema}.files p ON p.id = f.id OR p.parent_id = f.id
                          JOIN {schema}.receipts x ON x.file_id = p.id
                          WHERE f.holder = c.of_uid AND (x.created_at, x.id) < ($1::timestamptz, $2::uuid)
                            AND {schema}.may_see_receipt(x)
                          ORDER BY x.created_at DESC, x.id DESC
                          LIMIT $3::int + 1)) a
     WHERE c.holder = {schema}.me() AND c.ended_at IS NULL
       AND (now() AT TIME ZONE 'Asia/Kolkata')::date BETWEEN c.valid_from AND c.valid_until)
    UNION
    (SELECT x.id FROM {schema}.receipts x
     WHERE ({schema}.has_role('records_officer') OR {schema}.has_role('dept_admin'))
       AND (x.created_at, x.id) < ($1::timestamptz, $2::uuid) AND {schema}.may_see_receipt(x)
     ORDER BY x.created_at DESC, x.id DESC
     LIMIT $3::int + 1)),
page AS (
    SELECT v.receipt, v.id, v.micros
    FROM (SELECT x AS receipt, x.id, x.created_at, (extract(epoch FROM x.created_at) * 1000000)::bigint AS micros
          FROM {schema}.receipts x
          WHERE x.id IN (SELECT id FROM found) AND {schema}.may_see_receipt(x)
            AND (x.created_at, x.id) < ($1::timestamptz, $2::uuid)
          OFFSET 0) v
    ORDER BY v.created_at DESC, v.id DESC
    LIMIT $3::int + 1),
shown AS (SELECT * FROM page ORDER BY micros DESC, id DESC LIMIT $3::int)
SELECT json_build_object(
    'items', coalesce((SELECT json_agg({schema}.receipt_json(s.receipt) ORDER BY s.micros DESC, s.id DESC) FROM shown s),
                      '[]'::json),
    'next_cursor', CASE WHEN (SELECT count(*) FROM page) > $3::int
                        THEN (SELECT s.micros || '_' || s.id FROM shown s ORDER BY s.micros, s.id LIMIT 1) END,
    'synced_at', daftar.sync_mark((SELECT max((s.receipt).updated_at) FROM shown s), ''))
