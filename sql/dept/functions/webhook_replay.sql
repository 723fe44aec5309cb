-- webhook_replay: the owning service account sends a delivery again (a dead
-- letter, or one delivered that it lost): pending now, its attempts counted
-- from 0 again; its log keeps every earlier try. No row: 404.
CREATE OR REPLACE FUNCTION {schema}.webhook_replay(p_webhook uuid, p_id bigint) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    d {schema}.webhook_deliveries;
BEGIN
    UPDATE {schema}.webhook_deliveries x SET status = 'pending', attempts = 0, next_at = now(), delivered_at = NULL
    FROM {schema}.webhooks w
    WHERE x.id = p_id AND x.webhook = p_webhook AND w.id = x.webhook AND w.client_id = {schema}.me()
      AND w.deleted_at IS NULL
    RETURNING x.* INTO d;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    PERFORM pg_notify('daftar_webhooks', substr(trim(BOTH '"' FROM '{schema}'), 6));
    RETURN {schema}.webhook_delivery_json(d);
END
$$;
