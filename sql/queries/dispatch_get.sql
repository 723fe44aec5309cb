-- dispatch_get: one dispatch the caller may see with what happened to it (and, for a letter to a department, its
-- acknowledgement there), its version for the ETag.
SELECT (({schema}.dispatch_json(x))::jsonb || jsonb_build_object('events', (
           SELECT jsonb_agg(jsonb_build_object('seq', e.seq, 'status', e.status, 'by', e.by_uid,
                                               'consignment', e.consignment, 'remarks', e.remarks,
                                               'at', to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
                            ORDER BY e.seq)
           FROM {schema}.dispatch_events e WHERE e.dispatch_id = x.id),
                                                                  'delivery', (
           SELECT jsonb_build_object('recipient', h.recipient, 'receipt_number', h.receipt_number,
                                     'received_at', to_char(h.acknowledged_at AT TIME ZONE 'UTC',
                                                            'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
           FROM {schema}.dispatch_handoff(x) h WHERE h.acknowledged_at IS NOT NULL)))::json,
       x.version
FROM {schema}.dispatches x
WHERE x.id = $1::uuid AND {schema}.may_see_dispatch(x)
