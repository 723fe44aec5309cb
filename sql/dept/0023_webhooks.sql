-- 0023_webhooks: integrating systems called with this department's events
-- (issue 22). A service account of the department registers endpoints
-- (webhooks: its client id, the URL, the event types it wants, a secret
-- sealed under a key derived from master_key, which the database never
-- holds). event_publish puts one delivery a matching endpoint in the same
-- transaction as the event (webhooks_enqueue), so a committed event is never
-- lost to a webhook; the servers' deliverers (lib/events/deliver.c) claim
-- due deliveries (FOR UPDATE SKIP LOCKED, leased), POST them signed, and
-- record each try in webhook_attempts (the delivery log): delivered, or
-- retried with exponential backoff until webhook_max_attempts, then dead
-- (the dead letter), which the service account may replay.
CREATE TABLE IF NOT EXISTS {schema}.webhooks (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    client_id text NOT NULL,
    url text NOT NULL CHECK (length(url) <= 2000 AND url ~ '^https?://[^[:space:]]+$'),
    types text[] NOT NULL CHECK (cardinality(types) BETWEEN 1 AND 32),
    secret_sealed text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz
);
-- one live endpoint a URL a service account: a retried registration is 409, never a second endpoint
CREATE UNIQUE INDEX IF NOT EXISTS webhooks_client_url ON {schema}.webhooks (client_id, url) WHERE deleted_at IS NULL;
CREATE TABLE IF NOT EXISTS {schema}.webhook_deliveries (
    id bigserial PRIMARY KEY,
    webhook uuid NOT NULL REFERENCES {schema}.webhooks (id),
    event_id text NOT NULL,
    type text NOT NULL,
    body text NOT NULL,
    status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'dead')),
    attempts integer NOT NULL DEFAULT 0,
    next_at timestamptz NOT NULL DEFAULT now(),
    created_at timestamptz NOT NULL DEFAULT now(),
    delivered_at timestamptz,
    UNIQUE (webhook, event_id)
);
CREATE INDEX IF NOT EXISTS webhook_deliveries_due ON {schema}.webhook_deliveries (next_at) WHERE status = 'pending';
CREATE INDEX IF NOT EXISTS webhook_deliveries_of ON {schema}.webhook_deliveries (webhook, id);
CREATE TABLE IF NOT EXISTS {schema}.webhook_attempts (
    delivery bigint NOT NULL REFERENCES {schema}.webhook_deliveries (id),
    n integer NOT NULL,
    at timestamptz NOT NULL DEFAULT now(),
    http_status integer,
    error text,
    duration_ms integer NOT NULL,
    PRIMARY KEY (delivery, n)
);
