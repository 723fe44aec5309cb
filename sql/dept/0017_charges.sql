-- 0017_charges: acting charge. While officer B is away (leave, tour,
-- a vacancy), the head of office or dept_admin gives B's charge to officer
-- A from a date to a date: A sees the files B holds and acts on them for B
-- (movements name both: from_uid A, on_behalf_of B; notes' audit events
-- too). It ends by itself after valid_until (a charge_end timer records
-- it) or when ended early. One officer's charge is held by one officer at
-- a time. Rules: functions/charge_*.sql, acts_for.sql, holds_charge_of.sql.
CREATE TABLE IF NOT EXISTS {schema}.charges (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    holder text NOT NULL,
    of_uid text NOT NULL CHECK (of_uid <> holder),
    valid_from date NOT NULL,
    valid_until date NOT NULL CHECK (valid_until >= valid_from AND valid_until - valid_from < 366),
    reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
    created_by text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    ended_at timestamptz,
    ended_by text,
    CHECK ((ended_at IS NULL) = (ended_by IS NULL))
);
CREATE INDEX IF NOT EXISTS charges_holder ON {schema}.charges (holder) WHERE ended_at IS NULL;
CREATE UNIQUE INDEX IF NOT EXISTS charges_of_open ON {schema}.charges (of_uid) WHERE ended_at IS NULL;
