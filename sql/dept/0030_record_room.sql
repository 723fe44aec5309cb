-- 0030_record_room: retention and the record room (issue 27). The records
-- officer (or dept_admin) receives a closed file into the record room with
-- its head's retention category as it stands then (A keep for ever, B 10
-- years, C 1-3 years: filing_heads.retention_years; a file without a head
-- is kept as A), and its review date: the day it was closed (IST) plus
-- those years. The due list shows the files whose review date has come.
-- Weeding destroys a due file's content (its notes, their signatures and
-- flags; its documents' bytes) and keeps the fact: one row here per weeded
-- file, hash-chained (hash = sha256(prev_hash || the row's text)) and
-- carrying the records officer's detached CMS signature over what was
-- destroyed and on whose order. Rows are written only by file_weed, which
-- runs as the schema's owner; the department's role may read them and
-- nothing else ('read-only'), and the guard triggers of notes, signatures,
-- flags and documents let a change through only in the transaction that
-- wrote the file's row here (weeding_now), whoever runs it.
ALTER TABLE {schema}.files ADD COLUMN IF NOT EXISTS record_room_at timestamptz,
    ADD COLUMN IF NOT EXISTS retention text CHECK (retention IN ('A', 'B', 'C')),
    ADD COLUMN IF NOT EXISTS retention_years integer,
    ADD COLUMN IF NOT EXISTS closed_on date,
    ADD COLUMN IF NOT EXISTS review_on date,
    ADD COLUMN IF NOT EXISTS weeded_at timestamptz;
CREATE INDEX IF NOT EXISTS files_review ON {schema}.files (review_on, id)
    WHERE record_room_at IS NOT NULL AND weeded_at IS NULL;
ALTER TABLE {schema}.documents ADD COLUMN IF NOT EXISTS weeded_at timestamptz;

CREATE TABLE IF NOT EXISTS {schema}.weedings (
    seq bigint PRIMARY KEY,
    file_id uuid NOT NULL UNIQUE REFERENCES {schema}.files (id),
    manifest jsonb NOT NULL,           -- what was destroyed (weeding_manifest)
    manifest_hash text NOT NULL,       -- sha256 of manifest::text
    order_ref text NOT NULL CHECK (length(order_ref) BETWEEN 1 AND 200),
    ordered_by text NOT NULL,          -- on whose order
    signed_hash text NOT NULL,         -- sha256 of manifest_hash|order_ref|ordered_by: what weeded_by signed
    weeded_by text NOT NULL,
    at timestamptz NOT NULL,
    fingerprint text NOT NULL,
    subject text NOT NULL,
    issuer text NOT NULL,
    serial text NOT NULL,
    not_after timestamptz NOT NULL,
    signing_time timestamptz,
    cms bytea NOT NULL,
    prev_hash text NOT NULL,
    hash text NOT NULL,
    tx xid8 NOT NULL DEFAULT pg_current_xact_id()  -- the weeding's transaction (weeding_now)
);
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON {schema}.weedings FROM {role};
COMMENT ON TABLE {schema}.weedings IS 'read-only';
ALTER TABLE {schema}.weedings ENABLE ROW LEVEL SECURITY;
