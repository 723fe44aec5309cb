-- webhooks_enqueue: called by event_publish in the event's transaction: one
-- delivery of event n for each live endpoint of this department whose types
-- name it ('file.arrived') or its family ('file.*'). The body is fixed here
-- (the event as GET /v1/me/events sends it), so every try and every replay
-- sends the same bytes. At commit the deliverers are woken (NOTIFY
-- daftar_webhooks, saying only which department).
CREATE OR REPLACE FUNCTION {schema}.webhooks_enqueue(p_n bigint, p_type text, p_subject uuid, p_at timestamptz, p_data jsonb)
RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v_scope text := trim(BOTH '"' FROM '{schema}');
    v_count integer;
BEGIN
    INSERT INTO {schema}.webhook_deliveries (webhook, event_id, type, body)
    SELECT w.id, v_scope || '.' || p_n, p_type,
           json_build_object('id', v_scope || '.' || p_n, 'type', p_type, 'scope', v_scope, 'subject', p_subject,
                             'at', p_at, 'data', p_data)::text
    FROM {schema}.webhooks w
    WHERE w.deleted_at IS NULL AND (p_type = ANY (w.types) OR split_part(p_type, '.', 1) || '.*' = ANY (w.types))
    ON CONFLICT DO NOTHING;
    GET DIAGNOSTICS v_count = ROW_COUNT;
    IF v_count > 0 THEN
        PERFORM pg_notify('daftar_webhooks', substr(v_scope, 6));
    END IF;
END
$$;
