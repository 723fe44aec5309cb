-- notes_list: the notesheet of a file the caller may see: final notes, and the caller's own drafts.
-- Reading a confidential or secret notesheet is audited. `officers` names each author.
SELECT json_build_object('items', coalesce(n.items, '[]'::json), 'officers', {schema}.officers_json(n.authors))
FROM {schema}.visible_file($1::uuid, 'notes.read') f
CROSS JOIN LATERAL (SELECT json_agg({schema}.note_json(x) ORDER BY x.n) AS items, array_agg(x.author) AS authors
                    FROM {schema}.notes x
                    WHERE x.file_id = f.id AND (x.status = 'final' OR x.author = {schema}.me())) n
WHERE f.id IS NOT NULL
