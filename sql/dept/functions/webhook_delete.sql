-- webhook_delete: the owning service account removes its endpoint (no row:
-- 404); what is still pending for it is not sent.
CREATE OR REPLACE FUNCTION {schema}.webhook_delete(p_id uuid) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    w {schema}.webhooks;
BEGIN
    UPDATE {schema}.webhooks x SET deleted_at = now()
    WHERE x.id = p_id AND x.client_id = {schema}.me() AND x.deleted_at IS NULL RETURNING * INTO w;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    UPDATE {schema}.webhook_deliveries d SET status = 'dead' WHERE d.webhook = p_id AND d.status = 'pending';
    PERFORM {schema}.audit('webhook.delete', w.id, json_build_object('url', w.url));
    RETURN {schema}.webhook_json(w);
END
$$;
