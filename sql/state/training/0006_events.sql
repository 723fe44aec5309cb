-- 0006_events: the events outbox of this scope (issue 22). A family's
-- function calls event_publish (sql/scoped/functions/) in the transaction of
-- the change, after its audit(), naming who the event is for (audience:
-- officer UIDs the rule says may see its subject). n is handed out under the
-- row lock of events_head, held until commit, so n grows in commit order and
-- a reader that has seen n has seen every event before it (what
-- Last-Event-ID resumes from). Rows older than events_retention_days are
-- deleted by the events_purge timer. Row-level security: an officer reads
-- their own; the server's fan-out and the timers ('timer') all (events_policies).
CREATE TABLE IF NOT EXISTS {schema}.events (
    n bigint PRIMARY KEY,
    at timestamptz NOT NULL DEFAULT now(),
    type text NOT NULL CHECK (type ~ '^[a-z][a-z_]{0,30}\.[a-z][a-z_]{0,30}$'),
    subject uuid,
    audience text[] NOT NULL CHECK (cardinality(audience) BETWEEN 1 AND 500),
    data jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS events_at ON {schema}.events (at);
CREATE TABLE IF NOT EXISTS {schema}.events_head (
    one boolean PRIMARY KEY DEFAULT true CHECK (one),
    n bigint NOT NULL
);
INSERT INTO {schema}.events_head (one, n) VALUES (true, 0) ON CONFLICT DO NOTHING;
ALTER TABLE {schema}.events ENABLE ROW LEVEL SECURITY;
ALTER TABLE {schema}.events_head ENABLE ROW LEVEL SECURITY;
