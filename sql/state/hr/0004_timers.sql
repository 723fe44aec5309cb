-- 0004_timers: deadlines that act by themselves in this scope, as in a
-- department (dept 0015; the same functions, sql/scoped/functions/): leave
-- applications that wait past their level's date escalate, leave is
-- credited on 1 January and 1 July. The servers' timers threads fire them
-- as role state_hr for the officer 'timer'. The table's policy lets every
-- request of the scope set and cancel timers; only functions do.
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
