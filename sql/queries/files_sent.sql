-- files_sent: one page of the caller's `sent` box, newest change first: GET .../files?box=sent with no filter
-- (lib/files/routes.c picks it; files_list serves the rest). Same parameters, items and next_cursor as
-- files_inbox. The page is a range of file_sent_page (uid, updated_at DESC, file_id DESC) from the cursor on
-- (department 0031: the files the caller forwarded or returned, updated_at kept equal to the file's), with
-- files_list's rule on each row: not held by the caller now, and may_see.
WITH page AS (
    SELECT f AS file, f.id, (extract(epoch FROM f.updated_at) * 1000000)::bigint AS micros
    FROM {schema}.file_sent s JOIN {schema}.files f ON f.id = s.file_id
    WHERE s.uid = {schema}.me() AND f.holder <> {schema}.me() AND {schema}.may_see(f)
      AND (s.updated_at, s.file_id) < ($1::timestamptz, $2::uuid)
    ORDER BY s.updated_at DESC, s.file_id DESC
    LIMIT $3::int + 1)
SELECT {schema}.files_page(ARRAY(SELECT p.file FROM page p ORDER BY p.micros DESC, p.id DESC), $3::int)
