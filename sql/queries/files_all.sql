-- files_all: one page of the `all` box, newest change first: GET .../files?box=all with no filter (lib/files/routes.c
-- picks it; files_list serves the rest). Same parameters, items and next_cursor as files_inbox and files_list.
-- The page starts from what the caller can see (may_see.sql), each source a range of an index from the cursor on,
-- at most a page and one of it, with may_see on each row so no source fills its share with rows not shown:
-- the files the caller holds (files_holder); created, held before, or the part files of a main they created or
-- held (file_seen_page, department 0032; a holder always has an access row, so that covers the parts of the mains
-- they hold); held by an officer whose acting charge the caller holds today (files_holder), and the part files of
-- the mains that officer holds (files_part a main); for records keepers, every file (files_updated: they see all
-- unclassified and restricted ones). The page is the newest of their union, may_see again the final word.
WITH found AS (
    (SELECT f.id FROM {schema}.files f
     WHERE f.holder = {schema}.me() AND (f.updated_at, f.id) < ($1::timestamptz, $2::uuid) AND {schema}.may_see(f)
     ORDER BY f.updated_at DESC, f.id DESC
     LIMIT $3::int + 1)
    UNION
    (SELECT s.file_id FROM {schema}.file_seen s JOIN {schema}.files f ON f.id = s.file_id
     WHERE s.uid = {schema}.me() AND (s.updated_at, s.file_id) < ($1::timestamptz, $2::uuid) AND {schema}.may_see(f)
     ORDER BY s.updated_at DESC, s.file_id DESC
     LIMIT $3::int + 1)
    UNION
    (SELECT a.id FROM {schema}.charges c
     CROSS JOIN LATERAL ((SELECT f.id, f.updated_at FROM {schema}.files f
                          WHERE f.holder = c.of_uid AND (f.updated_at, f.id) < ($1::timestamptz, $2::uuid)
                            AND {schema}.may_see(f)
                          ORDER BY f.updated_at DESC, f.id DESC
                          LIMIT $3::int + 1)
                         UNION ALL
                         (SELECT p.id, p.updated_at FROM {schema}.files m JOIN {schema}.files p ON p.parent_id = m.id
                          WHERE m.holder = c.of_uid AND (p.updated_at, p.id) < ($1::timestamptz, $2::uuid)
                            AND {schema}.may_see(p)
                          ORDER BY p.updated_at DESC, p.id DESC
                          LIMIT $3::int + 1)) a
     WHERE c.holder = {schema}.me() AND c.ended_at IS NULL
       AND (now() AT TIME ZONE 'Asia/Kolkata')::date BETWEEN c.valid_from AND c.valid_until)
    UNION
    (SELECT f.id FROM {schema}.files f
     WHERE ({schema}.has_role('records_officer') OR {schema}.has_role('dept_admin'))
       AND (f.updated_at, f.id) < ($1::timestamptz, $2::uuid) AND {schema}.may_see(f)
     ORDER BY f.updated_at DESC, f.id DESC
     LIMIT $3::int + 1)),
page AS (
    SELECT v.file, v.id, v.micros
    FROM (SELECT f AS file, f.id, f.updated_at, (extract(epoch FROM f.updated_at) * 1000000)::bigint AS micros
          FROM {schema}.files f
          WHERE f.id IN (SELECT id FROM found) AND {schema}.may_see(f)
            AND (f.updated_at, f.id) < ($1::timestamptz, $2::uuid)
          OFFSET 0) v
    ORDER BY v.updated_at DESC, v.id DESC
    LIMIT $3::int + 1)
SELECT {schema}.files_page(ARRAY(SELECT p.file FROM page p ORDER BY p.micros DESC, p.id DESC), $3::int)
