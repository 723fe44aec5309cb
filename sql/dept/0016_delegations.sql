-- 0016_delegations: an officer with the approving role lends the power to
-- decide (approve, reject) to another officer of the department for a few
-- days (leave, tour): never onward, never beyond 90 days, revocable by the
-- delegator or a dept_admin, and only while the delegator still holds the
-- role (security review item 6; the rules are in functions/delegation_*.sql,
-- functions/decision_delegator.sql and functions/file_decide.sql). A
-- decision taken under a delegation names its delegator in the track
-- (movements.on_behalf_of). Rows are never deleted and change only by their
-- revocation (functions/delegations_guard.sql).
CREATE TABLE IF NOT EXISTS {schema}.delegations (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    delegator text NOT NULL,
    delegate text NOT NULL CHECK (delegate <> delegator),
    valid_from date NOT NULL,
    valid_until date NOT NULL CHECK (valid_until >= valid_from AND valid_until - valid_from < 90),
    reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz,
    revoked_by text,
    CHECK ((revoked_at IS NULL) = (revoked_by IS NULL))
);
CREATE INDEX IF NOT EXISTS delegations_delegate ON {schema}.delegations (delegate, valid_until);
CREATE INDEX IF NOT EXISTS delegations_delegator ON {schema}.delegations (delegator, created_at DESC);

ALTER TABLE {schema}.movements ADD COLUMN IF NOT EXISTS on_behalf_of text;
