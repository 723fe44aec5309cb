-- 0005_deadlines: deadlines that act by themselves in this scope (the
-- timers of sql/scoped/functions/, as hr's 0004): an assignment's reminder
-- a week before its deadline and its overdue mark at the end of that day
-- (India time). The servers' timers threads fire them as role
-- state_training for the officer 'timer'. reminders are what they leave
-- for each officer of a roster who has not completed (append-only; one of
-- a kind per officer and assignment): GET /v1/me/training shows them.
-- Audiences may name a section (a membership's, catalog 0024).
CREATE TABLE {schema}.timers (
    id bigserial PRIMARY KEY,
    kind text NOT NULL CHECK (kind ~ '^[a-z][a-z0-9_]{0,39}$'),
    subject uuid NOT NULL,
    payload jsonb NOT NULL DEFAULT '{}',
    due_at timestamptz NOT NULL,
    attempts integer NOT NULL DEFAULT 0,
    last_error text,
    fired_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX timers_due ON {schema}.timers (due_at) WHERE fired_at IS NULL;
CREATE INDEX timers_subject ON {schema}.timers (kind, subject) WHERE fired_at IS NULL;
ALTER TABLE {schema}.timers ENABLE ROW LEVEL SECURITY;

CREATE TABLE {schema}.reminders (
    assignment uuid NOT NULL REFERENCES {schema}.assignments (id),
    uid text NOT NULL,
    kind text NOT NULL CHECK (kind IN ('due_soon', 'overdue')),
    at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (assignment, uid, kind)
);
COMMENT ON TABLE {schema}.reminders IS 'append-only';
REVOKE UPDATE, DELETE, TRUNCATE ON {schema}.reminders FROM {role};
CREATE INDEX reminders_uid ON {schema}.reminders (uid, at);
ALTER TABLE {schema}.reminders ENABLE ROW LEVEL SECURITY;

ALTER TABLE {schema}.assignments DROP CONSTRAINT assignments_audience_check;
ALTER TABLE {schema}.assignments ADD CONSTRAINT assignments_audience_check
    CHECK (audience IN ('department', 'role', 'designation', 'section'));
