-- notes_list: the notesheet of a file the caller may see: final notes, and the caller's own drafts.
-- Reading a confidential or secret notesheet is audited.
SELECT json_build_object('items', coalesce((SELECT json_agg({schema}.note_json(x) ORDER BY x.n)
                                            FROM {schema}.notes x
                                            WHERE x.file_id = f.id AND (x.status = 'final' OR x.author = {schema}.me())),
                                           '[]'::json))
FROM {schema}.visible_file($1::uuid, 'notes.read') f
WHERE f.id IS NOT NULL
