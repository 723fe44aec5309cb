-- 0027_references: references (flags) on notes and links between files
-- (issue 27). A note's author flags, while the note is a draft and they
-- hold the file, a receipt or document of the file or an earlier note of
-- it; the reader follows the flag to the thing. Flags stay when the note
-- becomes final and from then on never change (functions/note_flags_guard
-- .sql); a deleted draft takes its flags with it. The holder of a file links
-- it to another file they may see; a link is shown only to whoever may see
-- both. Row-level security (functions/note_flags_policies.sql,
-- file_links_policies.sql) keeps the department's role to the same rules.
CREATE TABLE IF NOT EXISTS {schema}.note_flags (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    file_id uuid NOT NULL REFERENCES {schema}.files (id),
    n integer NOT NULL,
    kind text NOT NULL CHECK (kind IN ('receipt', 'document', 'note')),
    receipt_id uuid REFERENCES {schema}.receipts (id),
    document_id uuid REFERENCES {schema}.documents (id),
    note_n integer CHECK (note_n < n),
    label text NOT NULL DEFAULT '' CHECK (length(label) <= 200),
    created_by text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CHECK (CASE kind WHEN 'receipt' THEN receipt_id IS NOT NULL AND document_id IS NULL AND note_n IS NULL
                     WHEN 'document' THEN document_id IS NOT NULL AND receipt_id IS NULL AND note_n IS NULL
                     ELSE note_n IS NOT NULL AND receipt_id IS NULL AND document_id IS NULL END)
);
CREATE INDEX IF NOT EXISTS note_flags_note ON {schema}.note_flags (file_id, n);

CREATE TABLE IF NOT EXISTS {schema}.file_links (
    file_id uuid NOT NULL REFERENCES {schema}.files (id),
    other_id uuid NOT NULL REFERENCES {schema}.files (id) CHECK (other_id <> file_id),
    remarks text NOT NULL DEFAULT '' CHECK (length(remarks) <= 500),
    created_by text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (file_id, other_id)
);
CREATE INDEX IF NOT EXISTS file_links_other ON {schema}.file_links (other_id);
REVOKE UPDATE, DELETE, TRUNCATE ON {schema}.file_links FROM {role};
COMMENT ON TABLE {schema}.file_links IS 'append-only';

ALTER TABLE {schema}.note_flags ENABLE ROW LEVEL SECURITY;
ALTER TABLE {schema}.file_links ENABLE ROW LEVEL SECURITY;
