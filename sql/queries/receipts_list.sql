-- receipts_list: the receipt register — one page of the receipts the caller may see, newest first, searched.
-- $1 filed ('yes' | 'no' | '' = any), $2 the cursor's created_at as a timestamp ('infinity' for the first page),
-- $3 limit, $4 status (registered | marked | filed | ''), $5 subject (any part, any case, Hindi in either Unicode
-- form), $6 diary number (any part), $7 sender (any part), $8 letter number (any part), $9 letter date,
-- $10 received on or after, $11 received on or before, $12 mode; each '' = any (receipt_matches.sql).
-- $13 updated_since ('' = none; RFC 3339, checked by dft_kit_query_time): only the receipts changed after it
-- (updated_at: registered, marked, filed), and `removed`: every receipt changed after it that no longer belongs
-- in this list (filed, under filed=no or a status) and every one the caller registered, marked or was marked
-- that they may no longer see; the same on every page. `synced_at` is daftar.sync_mark's.
-- $14 the cursor's receipt id ('ffffffff-ffff-ffff-ffff-ffffffffffff' for the first page).
-- The page starts from what the caller can see, as receipts_all's does (the same sources, each a range of an index
-- from the cursor on, at most a page and one of it), with the search and may_see_receipt on each row: a page reads
-- what the caller may see, not the department's register (a records keeper's source is the whole register). Until
-- issue 25 it scanned every receipt of the department and sorted them: 204 ms of PostgreSQL a page at state scale
-- (6,667 receipts a department; EXPLAIN: 69 ms of 74 the scan, may_see_receipt on every row).
-- A generic plan although its search is shaped by '' = any: every source is an index range whatever the values,
-- the search only a test on each row. Planned for the actual values it cost 4.4-5.3 ms of planning at every request
-- beside 1.8 of execution (EXPLAIN, small scale, the readers' mode=post search).
-- plan: generic
WITH found AS (
    (SELECT x.id FROM {schema}.receipts x
     WHERE x.holder = {schema}.me() AND (x.created_at, x.id) < ($2::timestamptz, $14::uuid)
       AND {schema}.receipt_matches(x, $1, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) AND {schema}.may_see_receipt(x)
     ORDER BY x.created_at DESC, x.id DESC
     LIMIT $3::int + 1)
    UNION
    (SELECT s.receipt_id FROM {schema}.receipt_seen s JOIN {schema}.receipts x ON x.id = s.receipt_id
     WHERE s.uid = {schema}.me() AND (s.created_at, s.receipt_id) < ($2::timestamptz, $14::uuid)
       AND {schema}.receipt_matches(x, $1, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) AND {schema}.may_see_receipt(x)
     ORDER BY s.created_at DESC, s.receipt_id DESC
     LIMIT $3::int + 1)
    UNION
    (SELECT a.id FROM {schema}.charges c
     CROSS JOIN LATERAL ((SELECT x.id FROM {schema}.receipts x
                          WHERE x.holder = c.of_uid AND (x.created_at, x.id) < ($2::timestamptz, $14::uuid)
                            AND {schema}.receipt_matches(x, $1, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
                            AND {schema}.may_see_receipt(x)
                          ORDER BY x.created_at DESC, x.id DESC
                          LIMIT $3::int + 1)
                         UNION ALL
                         (SELECT x.id FROM {schema}.files f
                          JOIN {schema}.files p ON p.id = f.id OR p.parent_id = f.id
                          JOIN {schema}.receipts x ON x.file_id = p.id
                          WHERE f.holder = c.of_uid AND (x.created_at, x.id) < ($2::timestamptz, $14::uuid)
                            AND {schema}.receipt_matches(x, $1, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
                            AND {schema}.may_see_receipt(x)
                          ORDER BY x.created_at DESC, x.id DESC
                          LIMIT $3::int + 1)) a
     WHERE c.holder = {schema}.me() AND c.ended_at IS NULL
       AND (now() AT TIME ZONE 'Asia/Kolkata')::date BETWEEN c.valid_from AND c.valid_until)
    UNION
    (SELECT x.id FROM {schema}.receipts x
     WHERE ({schema}.has_role('records_officer') OR {schema}.has_role('dept_admin'))
       AND (x.created_at, x.id) < ($2::timestamptz, $14::uuid)
       AND {schema}.receipt_matches(x, $1, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) AND {schema}.may_see_receipt(x)
     ORDER BY x.created_at DESC, x.id DESC
     LIMIT $3::int + 1)),
page AS (
    SELECT v.receipt, v.id, v.micros
    FROM (SELECT x AS receipt, x.id, x.created_at, (extract(epoch FROM x.created_at) * 1000000)::bigint AS micros
          FROM {schema}.receipts x
          WHERE x.id IN (SELECT id FROM found) AND {schema}.may_see_receipt(x)
            AND {schema}.receipt_matches(x, $1, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
            AND (x.created_at, x.id) < ($2::timestamptz, $14::uuid)
          OFFSET 0) v
    ORDER BY v.created_at DESC, v.id DESC
    LIMIT $3::int + 1),
shown AS (SELECT * FROM page ORDER BY micros DESC, id DESC LIMIT $3::int),
listed AS (SELECT json_build_object(
    'items', coalesce((SELECT json_agg({schema}.receipt_json(s.receipt) ORDER BY s.micros DESC, s.id DESC) FROM shown s),
                      '[]'::json),
    'next_cursor', CASE WHEN (SELECT count(*) FROM page) > $3::int
                        THEN (SELECT s.micros || '_' || s.id FROM shown s ORDER BY s.micros, s.id LIMIT 1) END,
    'synced_at', daftar.sync_mark((SELECT max((s.receipt).updated_at) FROM shown s), $13)) AS page)
SELECT CASE WHEN $13 = '' THEN l.page ELSE (l.page::jsonb || jsonb_build_object('removed', coalesce(
    (SELECT jsonb_agg(x.id ORDER BY x.id) FROM {schema}.receipts x
     WHERE x.updated_at > $13::timestamptz
       AND CASE WHEN {schema}.may_see_receipt(x)
                THEN NOT {schema}.receipt_matches(x, $1, $4, $5, $6, $7, $8, $9, $10, $11, $12, '')
                ELSE x.registered_by = {schema}.me() OR EXISTS (
                     SELECT 1 FROM {schema}.receipt_movements m WHERE m.receipt_id = x.id
                     AND {schema}.me() IN (m.from_uid, m.to_uid)) END), '[]'::jsonb)))::json END
FROM listed l
