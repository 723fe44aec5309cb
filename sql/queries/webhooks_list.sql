-- webhooks_list: GET /v1/departments/{dept}/webhooks: the calling service account's live endpoints.
SELECT json_build_object('items', coalesce(json_agg({schema}.webhook_json(w) ORDER BY w.created_at, w.id), '[]'))
FROM {schema}.webhooks w WHERE w.client_id = {schema}.me() AND w.deleted_at IS NULL
