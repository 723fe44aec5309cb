-- notes_list: a page of the notesheet of a file the caller may see: final notes, and the caller's
-- own drafts, by number; $2 the number after which to start (0: the first page), $3 at most this
-- many; next_cursor is the last number shown when more follow. Reading a confidential or secret
-- notesheet is audited. `officers` names each author of the page.
SELECT json_build_object('items', coalesce(n.items, '[]'::json),
                         'next_cursor', CASE WHEN n.more THEN n.last::text END,
                         'officers', {schema}.officers_json(n.authors))
FROM {schema}.visible_file($1::uuid, 'notes.read') f
CROSS JOIN LATERAL (
    SELECT json_agg({schema}.note_json(p.note) ORDER BY p.k) FILTER (WHERE p.k <= $3::int) AS items,
           array_agg((p.note).author) FILTER (WHERE p.k <= $3::int) AS authors,
           max((p.note).n) FILTER (WHERE p.k <= $3::int) AS last, count(*) > $3::int AS more
    FROM (SELECT x AS note, row_number() OVER (ORDER BY x.n) AS k
          FROM {schema}.notes x
          WHERE x.file_id = f.id AND x.n > $2::int AND (x.status = 'final' OR x.author = {schema}.me())
          ORDER BY x.n
          LIMIT $3::int + 1) p) n
WHERE f.id IS NOT NULL
