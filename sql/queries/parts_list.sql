-- parts_list: the part files of a file the caller may see, by number (each one the caller may see).
SELECT json_build_object('items', coalesce((SELECT json_agg({schema}.file_json(p) ORDER BY p.part_no)
                                            FROM {schema}.files p WHERE p.parent_id = f.id AND {schema}.may_see(p)),
                                           '[]'::json))
FROM {schema}.visible_file($1::uuid, 'parts.read') f
WHERE f.id IS NOT NULL
