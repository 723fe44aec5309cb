-- 0002_forms: cycles, forms and what each level submitted.
-- A cycle is a department's reporting year (April-March by default) with
-- the stages' dates. A form is one officer's report in a cycle with its
-- chain: reporting, reviewing and accepting authorities (UIDs of any
-- department) and the period they saw the officer's work. Stages:
-- self -> reporting -> reviewing -> accepting -> disclosure ->
-- representation -> decision -> closed (or no_report: a period under 90
-- days gets a certificate instead). Submissions are hash-chained per form
-- like notes and never change; a level whose date passed is recorded as
-- "not reported at this level". Every read of content is in reads.
CREATE TABLE {schema}.cycles (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    dept text NOT NULL,
    year integer NOT NULL CHECK (year BETWEEN 2000 AND 2100), -- 2025: April 2025 - March 2026
    period_from date NOT NULL,
    period_to date NOT NULL,
    self_due date NOT NULL,
    reporting_due date NOT NULL,
    reviewing_due date NOT NULL,
    accepting_due date NOT NULL,
    disclosure_due date NOT NULL,
    representation_days integer NOT NULL DEFAULT 15 CHECK (representation_days BETWEEN 1 AND 90),
    decision_days integer NOT NULL DEFAULT 30 CHECK (decision_days BETWEEN 1 AND 180),
    opened_by text NOT NULL,
    opened_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (dept, year),
    CHECK (period_to > period_from AND self_due <= reporting_due AND reporting_due <= reviewing_due
           AND reviewing_due <= accepting_due AND accepting_due <= disclosure_due)
);
ALTER TABLE {schema}.cycles ENABLE ROW LEVEL SECURITY;

CREATE TABLE {schema}.forms (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    cycle uuid NOT NULL REFERENCES {schema}.cycles (id),
    dept text NOT NULL,
    uid text NOT NULL REFERENCES daftar.officers (uid),
    reporting text REFERENCES daftar.officers (uid),
    reviewing text REFERENCES daftar.officers (uid),
    accepting text REFERENCES daftar.officers (uid),
    period_from date,
    period_to date,
    stage text NOT NULL DEFAULT 'self' CHECK (stage IN ('self', 'reporting', 'reviewing', 'accepting', 'disclosure',
                                                        'representation', 'decision', 'closed', 'no_report')),
    stage_due timestamptz,
    accepted_grade numeric(4, 2),
    final_grade numeric(4, 2),
    disclosed_at timestamptz,
    no_report_reason text,
    version integer NOT NULL DEFAULT 1,
    UNIQUE (cycle, uid)
);
CREATE INDEX forms_reporting ON {schema}.forms (reporting);
CREATE INDEX forms_reviewing ON {schema}.forms (reviewing);
CREATE INDEX forms_accepting ON {schema}.forms (accepting);
CREATE INDEX forms_uid ON {schema}.forms (uid);
ALTER TABLE {schema}.forms ENABLE ROW LEVEL SECURITY;

CREATE TABLE {schema}.submissions (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    form uuid NOT NULL REFERENCES {schema}.forms (id),
    seq integer NOT NULL,
    level text NOT NULL CHECK (level IN ('self', 'reporting', 'reviewing', 'accepting', 'representation', 'decision')),
    by_uid text NOT NULL,
    at timestamptz NOT NULL,
    skipped boolean NOT NULL DEFAULT false,   -- the level's date passed: "not reported at this level"
    content jsonb NOT NULL,
    prev_hash text NOT NULL,
    hash text NOT NULL,
    UNIQUE (form, seq)
);
COMMENT ON TABLE {schema}.submissions IS 'append-only';
REVOKE UPDATE, DELETE, TRUNCATE ON {schema}.submissions FROM {role};
ALTER TABLE {schema}.submissions ENABLE ROW LEVEL SECURITY;

CREATE TABLE {schema}.reads (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    form uuid NOT NULL REFERENCES {schema}.forms (id),
    by_uid text NOT NULL,
    at timestamptz NOT NULL DEFAULT now(),
    client_addr text NOT NULL,
    request_id text NOT NULL,
    levels text[] NOT NULL                    -- whose content the reader was shown
);
CREATE INDEX reads_form ON {schema}.reads (form, id);
COMMENT ON TABLE {schema}.reads IS 'append-only';
REVOKE UPDATE, DELETE, TRUNCATE ON {schema}.reads FROM {role};
ALTER TABLE {schema}.reads ENABLE ROW LEVEL SECURITY;

CREATE TABLE {schema}.recusals (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    form uuid NOT NULL REFERENCES {schema}.forms (id),
    level text NOT NULL CHECK (level IN ('reporting', 'reviewing', 'accepting')),
    by_uid text NOT NULL,
    reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 1000),
    at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE {schema}.recusals IS 'append-only';
REVOKE UPDATE, DELETE, TRUNCATE ON {schema}.recusals FROM {role};
ALTER TABLE {schema}.recusals ENABLE ROW LEVEL SECURITY;
