-- 0025_dak_marking: dak that moves (issue 27). A receipt is held by one
-- officer at a time, its main receiver (at first whoever registered it), who
-- marks it on to another with remarks, and may mark copies to others for
-- information (they see it, never act on it). Every mark is a row of the
-- receipt's track (append-only, like a file's movements); everyone who held
-- it or had a copy keeps seeing it (receipt_access). The register is
-- searched by diary number, sender, letter number and date, subject, dates,
-- mode and status (registered, marked, filed).
--
-- Row-level security: the department's role reaches a receipt, its track and
-- its access rows only where the rules let the caller (functions/
-- receipts_policies.sql and the others), so a statement that forgot a rule
-- still shows nothing it should not.
ALTER TABLE {schema}.receipts ADD COLUMN IF NOT EXISTS holder text,
    ADD COLUMN IF NOT EXISTS status text NOT NULL DEFAULT 'registered' CHECK (status IN ('registered', 'marked', 'filed')),
    ADD COLUMN IF NOT EXISTS version integer NOT NULL DEFAULT 1,
    ADD COLUMN IF NOT EXISTS updated_at timestamptz NOT NULL DEFAULT now();
UPDATE {schema}.receipts SET holder = registered_by, updated_at = coalesce(filed_at, created_at),
                             status = CASE WHEN file_id IS NULL THEN 'registered' ELSE 'filed' END
WHERE holder IS NULL;
ALTER TABLE {schema}.receipts ALTER COLUMN holder SET NOT NULL;
CREATE INDEX IF NOT EXISTS receipts_holder ON {schema}.receipts (holder, updated_at DESC, id) WHERE status <> 'filed';
CREATE INDEX IF NOT EXISTS receipts_received ON {schema}.receipts (received_on);

CREATE TABLE IF NOT EXISTS {schema}.receipt_movements (
    receipt_id uuid NOT NULL REFERENCES {schema}.receipts (id),
    seq integer NOT NULL,
    action text NOT NULL CHECK (action IN ('register', 'mark', 'file', 'handover')),
    from_uid text NOT NULL,
    to_uid text NOT NULL,
    copies text[] NOT NULL DEFAULT '{}' CHECK (cardinality(copies) <= 20),
    remarks text NOT NULL DEFAULT '' CHECK (length(remarks) <= 2000),
    on_behalf_of text,
    at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (receipt_id, seq)
);
CREATE INDEX IF NOT EXISTS receipt_movements_copies ON {schema}.receipt_movements USING gin (copies);

-- Everyone who registered, held or was copied a receipt: they keep seeing it.
CREATE TABLE IF NOT EXISTS {schema}.receipt_access (
    receipt_id uuid NOT NULL REFERENCES {schema}.receipts (id),
    uid text NOT NULL,
    PRIMARY KEY (uid, receipt_id)
);

INSERT INTO {schema}.receipt_movements (receipt_id, seq, action, from_uid, to_uid, at)
SELECT id, 1, 'register', registered_by, registered_by, created_at FROM {schema}.receipts ON CONFLICT DO NOTHING;
INSERT INTO {schema}.receipt_movements (receipt_id, seq, action, from_uid, to_uid, at)
SELECT id, 2, 'file', filed_by, filed_by, filed_at FROM {schema}.receipts WHERE file_id IS NOT NULL ON CONFLICT DO NOTHING;
INSERT INTO {schema}.receipt_access (receipt_id, uid) SELECT id, registered_by FROM {schema}.receipts ON CONFLICT DO NOTHING;

REVOKE UPDATE, DELETE, TRUNCATE ON {schema}.receipt_movements FROM {role};
COMMENT ON TABLE {schema}.receipt_movements IS 'append-only';
REVOKE UPDATE, DELETE, TRUNCATE ON {schema}.receipt_access FROM {role};
COMMENT ON TABLE {schema}.receipt_access IS 'append-only';

ALTER TABLE {schema}.receipts ENABLE ROW LEVEL SECURITY;
ALTER TABLE {schema}.receipt_movements ENABLE ROW LEVEL SECURITY;
ALTER TABLE {schema}.receipt_access ENABLE ROW LEVEL SECURITY;
