-- webhook_claim: for a server's deliverer (officer 'webhooks'): up to
-- p_limit due deliveries of live endpoints that no other transaction holds
-- (FOR UPDATE SKIP LOCKED), each leased for p_lease_s seconds (next_at moved
-- on, so a deliverer that dies leaves it to be tried again: at least once)
-- and its try counted. Returns each with its endpoint's URL and sealed secret.
CREATE OR REPLACE FUNCTION {schema}.webhook_claim(p_limit integer, p_lease_s integer)
RETURNS TABLE (id bigint, attempt integer, url text, secret_sealed text, event_id text, body text)
LANGUAGE plpgsql AS $$
BEGIN
    RETURN QUERY
    WITH due AS (
        SELECT d.id FROM {schema}.webhook_deliveries d JOIN {schema}.webhooks w ON w.id = d.webhook
        WHERE d.status = 'pending' AND d.next_at <= now() AND w.deleted_at IS NULL
        ORDER BY d.next_at LIMIT p_limit FOR UPDATE OF d SKIP LOCKED)
    UPDATE {schema}.webhook_deliveries x SET attempts = x.attempts + 1, next_at = now() + make_interval(secs => p_lease_s)
    FROM due, {schema}.webhooks w
    WHERE x.id = due.id AND w.id = x.webhook
    RETURNING x.id, x.attempts, w.url, w.secret_sealed, x.event_id, x.body;
END
$$;
