-- file_movements: a page of the track of a file the caller may see: who held it from when to when,
-- decisions with their signed note, the decision a reversal overturns and the delegator whose
-- power a decision used (audited for confidential and secret files); by seq, $2 the seq after
-- which to start (0: the first page), $3 at most this many; next_cursor is the last seq shown when
-- more follow. `officers` names each UID of the page.
SELECT json_build_object(
       'items', coalesce(json_agg(json_build_object(
           'seq', t.seq, 'action', t.action, 'from', t.from_uid, 'to', t.to_uid, 'remarks', t.remarks,
           'due_date', t.due_date, 'note', t.note, 'reverses', t.reverses,
           'on_behalf_of', t.on_behalf_of,
           'at', to_char(t.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
           'until', to_char(t.until AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
           ORDER BY t.seq) FILTER (WHERE t.k <= $3::int), '[]'::json),
       'next_cursor', CASE WHEN count(t.seq) > $3::int THEN (max(t.seq) FILTER (WHERE t.k <= $3::int))::text END,
       'officers', {schema}.officers_json(array_agg(t.from_uid) FILTER (WHERE t.k <= $3::int)
                                          || array_agg(t.to_uid) FILTER (WHERE t.k <= $3::int)
                                          || array_agg(t.on_behalf_of) FILTER (WHERE t.k <= $3::int)))
FROM {schema}.visible_file($1::uuid, 'file.track') f
LEFT JOIN LATERAL (
    SELECT m.*, row_number() OVER (ORDER BY m.seq) AS k
    FROM (SELECT m.*, lead(m.at) OVER (ORDER BY m.seq) AS until
          FROM {schema}.movements m WHERE m.file_id = f.id) m
    WHERE m.seq > $2::int
    ORDER BY m.seq
    LIMIT $3::int + 1) t ON true
WHERE f.id IS NOT NULL
GROUP BY f.id
