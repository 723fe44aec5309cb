-- 0018_drafts: e-Dispatch, drafts for approval (DFA): a letter drafted on a
-- file. Its author writes and edits it while holding the file, like a
-- draft note; every change makes a new version (the ETag) with a new hash
-- over its content; the holder with the approving role approves one
-- version (optionally signing its hash), and an approval counts only while
-- the draft is still at that version, so any later edit voids it. The
-- dispatch section issues an approved draft (0019). Who may see a draft:
-- whoever may see its file (functions/draft_*.sql hold the rules).
CREATE TABLE IF NOT EXISTS {schema}.drafts (
    id uuid PRIMARY KEY,
    file_id uuid NOT NULL REFERENCES {schema}.files (id),
    author text NOT NULL,
    subject text NOT NULL CHECK (length(subject) BETWEEN 1 AND 500),
    body text NOT NULL DEFAULT '' CHECK (length(body) <= 50000),
    -- normalised by draft_addressees(): [{"kind": "outside", "name", "address", "email", "mode"} |
    --                                    {"kind": "department", "department", "section", "designation", "mode"}]
    addressees jsonb NOT NULL CHECK (jsonb_typeof(addressees) = 'array' AND jsonb_array_length(addressees) BETWEEN 1 AND 50),
    copies_to jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(copies_to) = 'array' AND jsonb_array_length(copies_to) <= 50),
    enclosures uuid[] NOT NULL DEFAULT '{}' CHECK (cardinality(enclosures) <= 50),
    document_id uuid REFERENCES {schema}.documents (id),  -- the letter as a PDF, when one was uploaded
    version integer NOT NULL DEFAULT 1,
    hash text NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$'),  -- draft_hash: what an approver signs
    approved_version integer,                            -- the approved version; counts while = version
    issued_at timestamptz,                               -- issued as dispatches (0019): never changes again
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS drafts_file ON {schema}.drafts (file_id, created_at);

-- Each approval of a version, with the approver's signature when there is one: evidence, append-only.
CREATE TABLE IF NOT EXISTS {schema}.draft_approvals (
    draft_id uuid NOT NULL REFERENCES {schema}.drafts (id),
    version integer NOT NULL,
    hash text NOT NULL,
    approved_by text NOT NULL,
    on_behalf_of text,
    remarks text NOT NULL DEFAULT '' CHECK (length(remarks) <= 2000),
    approved_at timestamptz NOT NULL DEFAULT now(),
    fingerprint text,
    subject text,
    issuer text,
    serial text,
    not_after timestamptz,
    signing_time timestamptz,
    cms bytea,
    CHECK ((cms IS NULL) = (fingerprint IS NULL)),
    PRIMARY KEY (draft_id, version)
);
REVOKE UPDATE, DELETE, TRUNCATE ON {schema}.draft_approvals FROM {role};
COMMENT ON TABLE {schema}.draft_approvals IS 'append-only';
