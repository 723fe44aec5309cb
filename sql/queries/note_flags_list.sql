-- note_flags_list: the flags on the notes of a file the caller may see (final notes', and the caller's own on their
-- drafts; rows reached under row-level security too), by note: where each points and how to follow it. Reading a
-- confidential or secret file's flags is audited.
SELECT json_build_object('items', coalesce((SELECT json_agg({schema}.note_flag_json(g) ORDER BY g.n, g.created_at, g.id)
                                            FROM {schema}.note_flags g
                                            WHERE g.file_id = f.id
                                              AND (g.created_by = {schema}.me()
                                                   OR EXISTS (SELECT 1 FROM {schema}.notes x
                                                              WHERE x.file_id = g.file_id AND x.n = g.n
                                                                AND x.status = 'final'))), '[]'::json))
FROM {schema}.visible_file($1::uuid, 'flags.read') f
WHERE f.id IS NOT NULL
