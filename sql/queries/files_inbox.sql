-- files_inbox: one page of the caller's inbox, newest change first: GET .../files?box=inbox with no filter, the
-- request every portal and app makes first and most (lib/files/routes.c picks it; files_list serves the rest).
-- $1 the cursor's updated_at as a timestamp ('infinity' for the first page), $2 its file id
-- ('ffffffff-ffff-ffff-ffff-ffffffffffff' for the first page), $3 limit. Same items and next_cursor as files_list.
-- Unlike files_list it needs no plan for the actual values: the page is a range of the index files_holder
-- (holder, updated_at DESC, id DESC) from the cursor on, with the same visibility rule (may_see) on each row, so
-- the plan is generic and kept with the prepared statement (bench/README.md: files_list planned at every request
-- cost more than the page).
WITH page AS (
    SELECT f AS file, f.id, (extract(epoch FROM f.updated_at) * 1000000)::bigint AS micros
    FROM {schema}.files f
    WHERE f.holder = {schema}.me() AND {schema}.may_see(f)
      AND (f.updated_at, f.id) < ($1::timestamptz, $2::uuid)
    ORDER BY f.updated_at DESC, f.id DESC
    LIMIT $3::int + 1)
SELECT {schema}.files_page(ARRAY(SELECT p.file FROM page p ORDER BY p.micros DESC, p.id DESC), $3::int)
