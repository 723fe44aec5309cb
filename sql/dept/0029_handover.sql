-- 0029_handover: an officer leaving a post (transfer, retirement, long
-- leave) hands over their pending work in one audited step (issue 27): the
-- section officer or dept_admin names the successor, and every file the
-- officer holds that is not closed, and every receipt they hold that is not
-- filed, moves to the successor (a 'handover' line in each track; the
-- files' draft notes become final, as on any movement). One row here
-- records it, with what moved. Runs as the schema's owner
-- (functions/handover.sql): the section officer need not be able to see
-- every file (a confidential one) to hand it over, so nothing is left with
-- nobody; the successor must be cleared for all of it.
ALTER TABLE {schema}.movements DROP CONSTRAINT IF EXISTS movements_action_check,
    ADD CONSTRAINT movements_action_check
        CHECK (action IN ('create', 'forward', 'return', 'recall', 'park', 'close', 'reopen', 'approve', 'reject',
                          'handover'));
CREATE TABLE IF NOT EXISTS {schema}.handovers (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    from_uid text NOT NULL,
    to_uid text NOT NULL CHECK (to_uid <> from_uid),
    reason text NOT NULL CHECK (reason IN ('transfer', 'retirement', 'leave', 'other')),
    remarks text NOT NULL DEFAULT '' CHECK (length(remarks) <= 500),
    files uuid[] NOT NULL,
    receipts uuid[] NOT NULL,
    ordered_by text NOT NULL,
    at timestamptz NOT NULL DEFAULT now()
);
REVOKE UPDATE, DELETE, TRUNCATE ON {schema}.handovers FROM {role};
COMMENT ON TABLE {schema}.handovers IS 'append-only';
