-- file_movements: the track of a file the caller may see: who held it from when to when,
-- decisions with their signed note, the decision a reversal overturns and the delegator
-- whose power a decision used (audited for confidential and secret files); `officers` names
-- each UID of the track.
SELECT json_build_object(
       'items', json_agg(json_build_object(
           'seq', t.seq, 'action', t.action, 'from', t.from_uid, 'to', t.to_uid, 'remarks', t.remarks,
           'due_date', t.due_date, 'note', t.note, 'reverses', t.reverses,
           'on_behalf_of', t.on_behalf_of,
           'at', to_char(t.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
           'until', to_char(t.until AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
       ORDER BY t.seq),
       'officers', {schema}.officers_json(array_agg(t.from_uid) || array_agg(t.to_uid) || array_agg(t.on_behalf_of)))
FROM (SELECT m.*, lead(m.at) OVER (ORDER BY m.seq) AS until
      FROM {schema}.visible_file($1::uuid, 'file.track') f JOIN {schema}.movements m ON m.file_id = f.id) t
HAVING count(*) > 0
