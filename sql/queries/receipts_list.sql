-- receipts_list: the receipt register — one page of the receipts the caller may see, newest first, searched.
-- $1 filed ('yes' | 'no' | '' = any), $2 cursor 'micros_uuid' of the last receipt shown ('' = first page), $3 limit,
-- $4 status (registered | marked | filed | ''), $5 subject (any part, any case, Hindi in either Unicode form),
-- $6 diary number (any part), $7 sender (any part), $8 letter number (any part), $9 letter date,
-- $10 received on or after, $11 received on or before, $12 mode; each '' = any.
-- $13 updated_since ('' = none; RFC 3339, checked by dft_kit_query_time): only the receipts changed after it
-- (updated_at: registered, marked, filed), and `removed`: every receipt changed after it that no longer belongs
-- in this list (filed, under filed=no or a status) and every one the caller registered, marked or was marked
-- that they may no longer see; the same on every page. `synced_at` is daftar.sync_mark's.
-- Planned for the actual values (lib/db/db.c): with '' = any folded away the plan skips the filter.
-- plan: custom
WITH page AS (
    SELECT x AS receipt, x.id, (extract(epoch FROM x.created_at) * 1000000)::bigint AS micros
    FROM {schema}.receipts x
    WHERE {schema}.may_see_receipt(x)
      AND ($1 = '' OR (x.file_id IS NOT NULL) = ($1 = 'yes'))
      AND ($4 = '' OR x.status = $4)
      AND ($5 = '' OR strpos(lower(normalize(x.subject, NFC)), lower(normalize($5, NFC))) > 0)
      AND ($6 = '' OR strpos(lower(x.receipt_number), lower($6)) > 0)
      AND ($7 = '' OR strpos(lower(normalize(x.sender, NFC)), lower(normalize($7, NFC))) > 0)
      AND ($8 = '' OR strpos(lower(x.letter_number), lower($8)) > 0)
      AND ($9 = '' OR x.letter_date = $9::date)
      AND ($10 = '' OR x.received_on >= $10::date)
      AND ($11 = '' OR x.received_on <= $11::date)
      AND ($12 = '' OR x.mode = $12)
      AND ($13 = '' OR x.updated_at > $13::timestamptz)
      AND ($2 = '' OR ((extract(epoch FROM x.created_at) * 1000000)::bigint, x.id)
                      < (split_part($2, '_', 1)::bigint, split_part($2, '_', 2)::uuid))
    ORDER BY micros DESC, x.id DESC
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
       AND CASE WHEN {schema}.may_see_receipt(x) THEN NOT (
                     ($1 = '' OR (x.file_id IS NOT NULL) = ($1 = 'yes')) AND ($4 = '' OR x.status = $4)
                     AND ($5 = '' OR strpos(lower(normalize(x.subject, NFC)), lower(normalize($5, NFC))) > 0)
                     AND ($6 = '' OR strpos(lower(x.receipt_number), lower($6)) > 0)
                     AND ($7 = '' OR strpos(lower(normalize(x.sender, NFC)), lower(normalize($7, NFC))) > 0)
                     AND ($8 = '' OR strpos(lower(x.letter_number), lower($8)) > 0)
                     AND ($9 = '' OR x.letter_date = $9::date) AND ($10 = '' OR x.received_on >= $10::date)
                     AND ($11 = '' OR x.received_on <= $11::date) AND ($12 = '' OR x.mode = $12))
                ELSE x.registered_by = {schema}.me() OR EXISTS (
                     SELECT 1 FROM {schema}.receipt_movements m WHERE m.receipt_id = x.id
                     AND {schema}.me() IN (m.from_uid, m.to_uid)) END), '[]'::jsonb)))::json END
FROM listed l
