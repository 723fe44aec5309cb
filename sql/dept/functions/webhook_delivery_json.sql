-- webhook_delivery_json: a delivery with its tries (the delivery log).
CREATE OR REPLACE FUNCTION {schema}.webhook_delivery_json(d {schema}.webhook_deliveries) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object('id', d.id, 'event_id', d.event_id, 'type', d.type, 'status', d.status,
                             'attempts', d.attempts, 'next_at', CASE WHEN d.status = 'pending' THEN d.next_at END,
                             'created_at', d.created_at, 'delivered_at', d.delivered_at,
                             'tries', coalesce((SELECT json_agg(json_build_object('n', a.n, 'at', a.at,
                                                                                  'http_status', a.http_status,
                                                                                  'error', a.error,
                                                                                  'duration_ms', a.duration_ms)
                                                                ORDER BY a.n)
                                                FROM {schema}.webhook_attempts a WHERE a.delivery = d.id), '[]'))
$$;
