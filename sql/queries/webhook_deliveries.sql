-- webhook_deliveries: GET .../webhooks/{webhook_id}/deliveries?status=: the delivery log of the calling
-- service account's endpoint, newest first, at most 100, each with its tries; no row when the endpoint
-- is not theirs (404). $2: a status, or '' for all.
-- plan: custom
SELECT json_build_object('items', coalesce((SELECT json_agg({schema}.webhook_delivery_json(d) ORDER BY d.id DESC)
                                            FROM (SELECT * FROM {schema}.webhook_deliveries x
                                                  WHERE x.webhook = w.id AND ($2 = '' OR x.status = $2)
                                                  ORDER BY x.id DESC LIMIT 100) d), '[]'))
FROM {schema}.webhooks w WHERE w.id = $1::uuid AND w.client_id = {schema}.me() AND w.deleted_at IS NULL
