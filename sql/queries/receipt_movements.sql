-- receipt_movements: the track of a receipt the caller may see: who marked it to whom, the copies, when, until
-- when; `officers` names each UID. No row when the caller may not see it (rows reached under row-level security).
-- Reading a confidential or secret receipt's track appends audit event receipt.track (visible_receipt).
SELECT json_build_object(
       'items', json_agg(json_build_object(
           'seq', t.seq, 'action', t.action, 'from', t.from_uid, 'to', t.to_uid, 'copies', t.copies,
           'remarks', t.remarks, 'on_behalf_of', t.on_behalf_of,
           'at', to_char(t.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
           'until', to_char(t.until AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
       ORDER BY t.seq),
       'officers', {schema}.officers_json(array_agg(t.from_uid) || array_agg(t.to_uid) || array_agg(t.on_behalf_of)
                                          || (SELECT array_agg(c) FROM {schema}.receipt_movements m, unnest(m.copies) c
                                              WHERE m.receipt_id = $1::uuid)))
FROM (SELECT m.*, lead(m.at) OVER (ORDER BY m.seq) AS until
      FROM {schema}.visible_receipt($1::uuid, 'receipt.track') x JOIN {schema}.receipt_movements m ON m.receipt_id = x.id
      WHERE x.id IS NOT NULL) t
HAVING count(*) > 0
