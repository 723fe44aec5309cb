-- files_list: one page of the files the caller may see, newest change first.
-- $1 box (inbox | sent | created | all), $2 status, $3 priority, $4 section (each '' = any),
-- $5 text to search in subject and file number ('' = none), $6 cursor: updated_at (µs since epoch)
-- and id of the last file of the previous page, as 'micros_uuid' ('' = first page), $7 limit,
-- $8 holder UID ('' = any); with box inbox, the inbox of the officer whose acting charge the caller holds.
-- $9 updated_since ('' = none; RFC 3339, checked by dft_kit_query_time): only files changed after it, and
-- `removed`: every file changed after it that no longer belongs in this list (forwarded out of the inbox,
-- closed under status=open), and every file the caller created or held that they may no longer see at
-- all; the same on every page. `synced_at` is then never before $9 (files_page says what it is).
-- Planned for the actual values (lib/db/db.c): '' = any and the box decide which index serves.
-- plan: custom
WITH page AS (
    SELECT f AS file, f.id, (extract(epoch FROM f.updated_at) * 1000000)::bigint AS micros
    FROM {schema}.files f
    WHERE {schema}.may_see(f)
      AND CASE $1
              WHEN 'inbox' THEN f.holder = CASE WHEN $8 = '' THEN {schema}.me() ELSE $8 END
                                AND ($8 = '' OR {schema}.acts_for($8))
              WHEN 'created' THEN f.created_by = {schema}.me()
              WHEN 'sent' THEN f.holder <> {schema}.me() AND EXISTS (
                  SELECT 1 FROM {schema}.movements m
                  WHERE m.file_id = f.id AND m.from_uid = {schema}.me() AND m.action IN ('forward', 'return'))
              ELSE true
          END
      AND ($2 = '' OR f.status = $2)
      AND ($3 = '' OR f.priority = $3)
      AND ($4 = '' OR f.section = $4)
      AND ($8 = '' OR f.holder = $8)
      AND ($9 = '' OR f.updated_at > $9::timestamptz)
      AND ($5 = '' OR to_tsvector('simple', f.subject || ' ' || f.file_number) @@ plainto_tsquery('simple', $5)
           OR strpos(lower(f.file_number), lower($5)) > 0 OR strpos(lower(f.subject), lower($5)) > 0)
      AND ($6 = '' OR ((extract(epoch FROM f.updated_at) * 1000000)::bigint, f.id)
                      < (split_part($6, '_', 1)::bigint, split_part($6, '_', 2)::uuid))
    ORDER BY f.updated_at DESC, f.id DESC
    LIMIT $7::int + 1),
listed AS (SELECT {schema}.files_page(ARRAY(SELECT p.file FROM page p ORDER BY p.micros DESC, p.id DESC), $7::int) AS page)
SELECT CASE WHEN $9 = '' THEN l.page ELSE (l.page::jsonb || jsonb_build_object(
    'synced_at', greatest(l.page ->> 'synced_at', to_char($9::timestamptz AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')),
    'removed', coalesce((SELECT jsonb_agg(f.id ORDER BY f.id) FROM {schema}.files f
                         WHERE $9 <> '' AND f.updated_at > $9::timestamptz
                           AND CASE WHEN {schema}.may_see(f) THEN NOT (
                                    CASE $1
                                        WHEN 'inbox' THEN f.holder = CASE WHEN $8 = '' THEN {schema}.me() ELSE $8 END
                                                          AND ($8 = '' OR {schema}.acts_for($8))
                                        WHEN 'created' THEN f.created_by = {schema}.me()
                                        WHEN 'sent' THEN f.holder <> {schema}.me() AND EXISTS (
                                            SELECT 1 FROM {schema}.movements m WHERE m.file_id = f.id
                                            AND m.from_uid = {schema}.me() AND m.action IN ('forward', 'return'))
                                        ELSE true
                                    END
                                    AND ($2 = '' OR f.status = $2) AND ($3 = '' OR f.priority = $3)
                                    AND ($4 = '' OR f.section = $4) AND ($8 = '' OR f.holder = $8)
                                    AND ($5 = '' OR to_tsvector('simple', f.subject || ' ' || f.file_number)
                                                    @@ plainto_tsquery('simple', $5)
                                         OR strpos(lower(f.file_number), lower($5)) > 0
                                         OR strpos(lower(f.subject), lower($5)) > 0))
                               ELSE f.created_by = {schema}.me() OR EXISTS (
                                    SELECT 1 FROM {schema}.movements m WHERE m.file_id = f.id
                                    AND {schema}.me() IN (m.from_uid, m.to_uid)) END), '[]'::jsonb)))::json END
FROM listed l
