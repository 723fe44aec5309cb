-- 0026_filing_scheme: the department's filing scheme (issue 27). Main heads
-- and their sub-heads (code, name in English and Hindi, retention
-- category: A keep for ever, B 10 years, C 1-3 years), kept by the records
-- officer (or dept_admin). A new file may name a head or sub-head: its
-- number is built from the scheme, DEPT/HEAD[/SUB-HEAD]/YEAR/NNNNN (e.g.
-- FIN/B-2/BUDGET/2026/00042), the serial running per head and year without
-- gaps (the counter row is locked until the creating transaction ends, as
-- file_counters). A code never changes, so numbers stay true; files made
-- before keep theirs. Row-level security: every member reads the scheme;
-- only records keepers write it (functions/filing_heads_policies.sql).
CREATE TABLE IF NOT EXISTS {schema}.filing_heads (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    parent_id uuid REFERENCES {schema}.filing_heads (id),
    code text NOT NULL CHECK (code ~ '^[A-Z0-9][A-Z0-9-]{0,15}$'),
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    name_hi text NOT NULL DEFAULT '' CHECK (length(name_hi) <= 200),
    retention text NOT NULL CHECK (retention IN ('A', 'B', 'C')),
    retention_years integer CHECK (CASE retention WHEN 'A' THEN retention_years IS NULL
                                                  WHEN 'B' THEN retention_years = 10
                                                  ELSE retention_years BETWEEN 1 AND 3 END),
    active boolean NOT NULL DEFAULT true,
    created_by text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    version integer NOT NULL DEFAULT 1
);
-- one code per level: main heads among main heads, sub-heads within their head
CREATE UNIQUE INDEX IF NOT EXISTS filing_heads_code ON {schema}.filing_heads
    (coalesce(parent_id, '00000000-0000-0000-0000-000000000000'::uuid), code);

CREATE TABLE IF NOT EXISTS {schema}.head_counters (
    head_id uuid NOT NULL REFERENCES {schema}.filing_heads (id),
    year integer NOT NULL,
    last integer NOT NULL,
    PRIMARY KEY (head_id, year)
);

ALTER TABLE {schema}.files ADD COLUMN IF NOT EXISTS head_id uuid REFERENCES {schema}.filing_heads (id);
CREATE INDEX IF NOT EXISTS files_head ON {schema}.files (head_id) WHERE head_id IS NOT NULL;

ALTER TABLE {schema}.filing_heads ENABLE ROW LEVEL SECURITY;
