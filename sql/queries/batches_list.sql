-- batches_list: the classroom batches of course $1 (one the caller may read), soonest first, with how many
-- are seated and waiting; no row when there is no such course.
SELECT json_build_object('items', coalesce((SELECT json_agg({schema}.batch_json(b) ORDER BY b.starts_on, b.id)
                                            FROM {schema}.batches b WHERE b.course = c.id), '[]'))
FROM {schema}.courses c WHERE c.id = $1::uuid
