-- 0028_part_files: part files (issue 27). While a main file is away, an
-- officer who may see it opens a part file from it: a file of its own (its
-- number the main's with /P1, /P2, ...; the main's classification and head)
-- with its own notes and movements, seen also by whoever may see the main.
-- When the main file is back with whoever holds the part, they merge it:
-- the part's notes (made final) join the main notesheet after its last
-- note, in order, each with its author and time, sealed into the main
-- chain (notes_seal), so notes/verify still verifies both; the part is
-- closed, merged into the main. part_merges records which note became which.
ALTER TABLE {schema}.files ADD COLUMN IF NOT EXISTS parent_id uuid REFERENCES {schema}.files (id),
    ADD COLUMN IF NOT EXISTS part_no integer CHECK ((part_no IS NULL) = (parent_id IS NULL)),
    ADD COLUMN IF NOT EXISTS merged_at timestamptz;
CREATE UNIQUE INDEX IF NOT EXISTS files_part ON {schema}.files (parent_id, part_no) WHERE parent_id IS NOT NULL;

CREATE TABLE IF NOT EXISTS {schema}.part_merges (
    part_id uuid NOT NULL REFERENCES {schema}.files (id),
    part_n integer NOT NULL,
    main_id uuid NOT NULL REFERENCES {schema}.files (id),
    main_n integer NOT NULL,
    merged_by text NOT NULL,
    at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (part_id, part_n)
);
REVOKE UPDATE, DELETE, TRUNCATE ON {schema}.part_merges FROM {role};
COMMENT ON TABLE {schema}.part_merges IS 'append-only';
ALTER TABLE {schema}.part_merges ENABLE ROW LEVEL SECURITY;
