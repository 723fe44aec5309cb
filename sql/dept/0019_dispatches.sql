-- 0019_dispatches: e-Dispatch, the dispatch register. The dispatch section
-- (dispatch_clerk) issues an approved draft (0018): one dispatch a
-- recipient (the draft's addressees, then its copies), each with a number
-- from the department's yearly series without gaps (CODE/2026/D/000123; the
-- counter row is locked until the issuing transaction ends), its mode
-- (email, post, hand, department) and a status: issued, then sent, then
-- delivered or returned; cancelled only before sent. A draft is issued once
-- (drafts.issued_at under the draft's row lock, and UNIQUE (draft_id, n)).
-- Each change of status is a row of dispatch_events (append-only).
CREATE TABLE IF NOT EXISTS {schema}.dispatch_counters (
    year integer PRIMARY KEY,
    last integer NOT NULL
);

CREATE TABLE IF NOT EXISTS {schema}.dispatches (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    dispatch_number text NOT NULL UNIQUE,
    year integer NOT NULL,
    serial integer NOT NULL,
    draft_id uuid NOT NULL REFERENCES {schema}.drafts (id),
    n integer NOT NULL,                 -- the recipient's place: addressees first, then copies
    file_id uuid NOT NULL REFERENCES {schema}.files (id),
    classification text NOT NULL CHECK (classification IN ('unclassified', 'restricted', 'confidential', 'secret')),
    copy boolean NOT NULL,
    addressee jsonb NOT NULL,           -- as draft_addressees() normalised it
    mode text NOT NULL CHECK (mode IN ('email', 'post', 'hand', 'department')),
    subject text NOT NULL,
    draft_version integer NOT NULL,     -- the approved version issued
    draft_hash text NOT NULL,
    document_id uuid REFERENCES {schema}.documents (id),  -- the letter as a PDF
    issued_on date NOT NULL,
    issued_by text NOT NULL,
    issued_at timestamptz NOT NULL DEFAULT now(),
    status text NOT NULL DEFAULT 'issued' CHECK (status IN ('issued', 'sent', 'delivered', 'returned', 'cancelled')),
    consignment text CHECK (length(consignment) BETWEEN 1 AND 100),
    status_at timestamptz NOT NULL DEFAULT now(),
    version integer NOT NULL DEFAULT 1,
    UNIQUE (year, serial),
    UNIQUE (draft_id, n)
);
CREATE INDEX IF NOT EXISTS dispatches_issued ON {schema}.dispatches (issued_at DESC, id DESC);
CREATE INDEX IF NOT EXISTS dispatches_issued_on ON {schema}.dispatches (issued_on, mode, status);
CREATE INDEX IF NOT EXISTS dispatches_file ON {schema}.dispatches (file_id);

-- What happened to each dispatch, in order: evidence, append-only.
CREATE TABLE IF NOT EXISTS {schema}.dispatch_events (
    dispatch_id uuid NOT NULL REFERENCES {schema}.dispatches (id),
    seq integer NOT NULL,
    status text NOT NULL CHECK (status IN ('issued', 'sent', 'delivered', 'returned', 'cancelled')),
    by_uid text NOT NULL,
    consignment text,
    remarks text NOT NULL DEFAULT '' CHECK (length(remarks) <= 2000),
    at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (dispatch_id, seq)
);
REVOKE UPDATE, DELETE, TRUNCATE ON {schema}.dispatch_events FROM {role};
COMMENT ON TABLE {schema}.dispatch_events IS 'append-only';
