-- file_links_list: the files linked to a file the caller may see, either way, that the caller may see too (a link
-- to a file they may not see is not shown, nor counted; rows reached under row-level security as well).
SELECT json_build_object('items', coalesce((SELECT json_agg(json_build_object(
                                                'other', {schema}.file_json(o), 'remarks', l.remarks,
                                                'created_by', l.created_by,
                                                'created_at', to_char(l.created_at AT TIME ZONE 'UTC',
                                                                      'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
                                                ORDER BY l.created_at, o.id)
                                            FROM {schema}.file_links l
                                            JOIN {schema}.files o ON o.id = CASE WHEN l.file_id = f.id THEN l.other_id
                                                                                 ELSE l.file_id END
                                            WHERE (l.file_id = f.id OR l.other_id = f.id) AND {schema}.may_see(o)),
                                           '[]'::json))
FROM {schema}.visible_file($1::uuid, 'links.read') f
WHERE f.id IS NOT NULL
