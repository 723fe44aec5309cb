-- dispatch_get: one dispatch the caller may see with what happened to it, its version for the ETag.
SELECT (({schema}.dispatch_json(x))::jsonb || jsonb_build_object('events', (
           SELECT jsonb_agg(jsonb_build_object('seq', e.seq, 'status', e.status, 'by', e.by_uid,
                                               'consignment', e.consignment, 'remarks', e.remarks,
                                               'at', to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
                            ORDER BY e.seq)
           FROM {schema}.dispatch_events e WHERE e.dispatch_id = x.id)))::json,
       x.version
FROM {schema}.dispatches x
WHERE x.id = $1::uuid AND {schema}.may_see_dispatch(x)
