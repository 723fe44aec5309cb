-- 0015_timers: deadlines that act by themselves (issue 17, section 3). A
-- timer is a row set in the same transaction as the change that sets it
-- (functions/timer_set.sql): a kind, a subject, a payload and a due time.
-- Any daftar server claims due timers in short transactions (FOR UPDATE
-- SKIP LOCKED, functions/timers_fire.sql), runs the kind's action (the
-- function timer_<kind>) and marks the timer fired in the same transaction,
-- so each fires exactly once however many servers run; a failed action is
-- retried with backoff. First kind: file_due (a forwarded file's due date
-- passes: files.overdue_since, an audit event, reports/pendency?overdue=true).
CREATE TABLE IF NOT EXISTS {schema}.timers (
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
CREATE INDEX IF NOT EXISTS timers_due ON {schema}.timers (due_at) WHERE fired_at IS NULL;
CREATE INDEX IF NOT EXISTS timers_subject ON {schema}.timers (kind, subject) WHERE fired_at IS NULL;
ALTER TABLE {schema}.files ADD COLUMN IF NOT EXISTS overdue_since timestamptz;
