-- 0026_dak_exchange: letters between departments (e-Dispatch). A
-- department's database role may use its own schema and nothing of
-- another's; a letter from department A to department B crosses through
-- this one table and nowhere else (README "e-Dispatch", SECURITY.md):
--   * A's role may only INSERT rows whose sender is A itself (the policy
--     compares sender with current_user), to an active department other
--     than A, and only the letter's columns: its number, subject, date, the
--     addressee's section or designation, the PDF and its SHA-256 (nothing
--     of A's file crosses); when a row is sent is the database's clock;
--   * a role SELECTs only rows it sent or that are addressed to it;
--   * B's role may only UPDATE the acknowledgement of rows addressed to
--     B (receipt number, who, when, the signed hand-off), once
--     (functions/dak_exchange_guard.sql); no role may DELETE or TRUNCATE.
-- The grants are to the group daftar_dept, the policies to it too
-- (functions/dak_exchange_policies.sql), so adding a department changes no
-- shared ACL. Both departments also audit the crossing in their own chains.
CREATE TABLE IF NOT EXISTS daftar.dak_exchange (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    sender text NOT NULL,
    sender_name text NOT NULL CHECK (length(sender_name) BETWEEN 1 AND 200),
    recipient text NOT NULL,
    dispatch_id uuid NOT NULL,
    dispatch_number text NOT NULL CHECK (length(dispatch_number) BETWEEN 1 AND 100),
    section text NOT NULL DEFAULT '' CHECK (length(section) <= 100),
    designation text NOT NULL DEFAULT '' CHECK (length(designation) <= 200),
    subject text NOT NULL CHECK (length(subject) BETWEEN 1 AND 500),
    letter_date date NOT NULL,
    filename text NOT NULL CHECK (length(filename) BETWEEN 1 AND 200),
    content bytea NOT NULL,
    sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    sent_at timestamptz NOT NULL DEFAULT now(),
    receipt_id uuid,
    receipt_number text CHECK (length(receipt_number) BETWEEN 1 AND 100),
    acknowledged_by text,
    acknowledged_at timestamptz,
    handoff text CHECK (length(handoff) <= 4096),
    CHECK (sender <> recipient),
    CHECK ((acknowledged_at IS NULL) = (receipt_number IS NULL) AND (acknowledged_at IS NULL) = (acknowledged_by IS NULL)),
    CHECK (handoff IS NULL OR acknowledged_at IS NOT NULL),
    UNIQUE (sender, dispatch_id)
);
CREATE INDEX IF NOT EXISTS dak_exchange_incoming ON daftar.dak_exchange (recipient, sent_at DESC, id DESC);
ALTER TABLE daftar.dak_exchange ENABLE ROW LEVEL SECURITY;
REVOKE ALL ON daftar.dak_exchange FROM PUBLIC;
GRANT SELECT ON daftar.dak_exchange TO daftar_dept;
GRANT INSERT (sender, sender_name, recipient, dispatch_id, dispatch_number, section, designation, subject, letter_date,
              filename, content, sha256) ON daftar.dak_exchange TO daftar_dept;
GRANT UPDATE (receipt_id, receipt_number, acknowledged_by, acknowledged_at, handoff) ON daftar.dak_exchange TO daftar_dept;
COMMENT ON TABLE daftar.dak_exchange IS 'letters between departments: appended by their sender, acknowledged once by their recipient';
