-- 0002_courses: the state's course catalogue. training_admin (of the
-- department named by settings.admin_dept) writes it through the SECURITY
-- DEFINER functions of functions/course_*.sql; every officer reads the
-- published courses. A course has modules in order, each with a minimum
-- time and an optional assessment (multiple-choice questions).
--
-- The answer key never leaves the server: the scope's role may read every
-- column of questions but `answer` (a column privilege), so no statement
-- run for a request can return it, whatever it selects; scoring is
-- assessment_score (SECURITY DEFINER), which returns a score, never a key.
CREATE TABLE {schema}.courses (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    code text NOT NULL UNIQUE CHECK (code ~ '^[A-Z0-9][A-Z0-9-]{1,19}$'),
    title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    title_hi text NOT NULL CHECK (length(title_hi) BETWEEN 1 AND 200),
    provider text NOT NULL CHECK (length(provider) BETWEEN 1 AND 200),
    competencies text[] NOT NULL DEFAULT '{}' CHECK (cardinality(competencies) <= 20),
    pass_mark smallint NOT NULL CHECK (pass_mark BETWEEN 0 AND 100),
    validity_months smallint CHECK (validity_months BETWEEN 1 AND 120), -- NULL: a completion never expires
    max_attempts smallint NOT NULL DEFAULT 3 CHECK (max_attempts BETWEEN 1 AND 10),
    status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'retired')),
    version integer NOT NULL DEFAULT 1,
    created_by text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX courses_created ON {schema}.courses (created_at, id);
ALTER TABLE {schema}.courses ENABLE ROW LEVEL SECURITY;

CREATE TABLE {schema}.modules (
    course uuid NOT NULL REFERENCES {schema}.courses (id) ON DELETE CASCADE,
    n smallint NOT NULL CHECK (n BETWEEN 1 AND 50),
    title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    title_hi text NOT NULL DEFAULT '' CHECK (length(title_hi) <= 200),
    min_seconds integer NOT NULL CHECK (min_seconds BETWEEN 0 AND 86400),
    PRIMARY KEY (course, n)
);
ALTER TABLE {schema}.modules ENABLE ROW LEVEL SECURITY;

CREATE TABLE {schema}.questions (
    course uuid NOT NULL,
    module smallint NOT NULL,
    n smallint NOT NULL CHECK (n BETWEEN 1 AND 50),
    text text NOT NULL CHECK (length(text) BETWEEN 1 AND 1000),
    options text[] NOT NULL CHECK (cardinality(options) BETWEEN 2 AND 6),
    answer smallint NOT NULL CHECK (answer >= 0 AND answer < cardinality(options)),
    PRIMARY KEY (course, module, n),
    FOREIGN KEY (course, module) REFERENCES {schema}.modules (course, n) ON DELETE CASCADE
);
ALTER TABLE {schema}.questions ENABLE ROW LEVEL SECURITY;
-- The catalogue is read-only for the role (the migration runner checks it:
-- lib/tenant/admin.c): written by the SECURITY DEFINER functions alone. And
-- the key is not even readable by it: every column of questions but answer.
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON {schema}.courses, {schema}.modules FROM {role};
REVOKE ALL ON {schema}.questions FROM {role};
GRANT SELECT (course, module, n, text, options) ON {schema}.questions TO {role};
COMMENT ON TABLE {schema}.courses IS 'read-only';
COMMENT ON TABLE {schema}.modules IS 'read-only';
COMMENT ON TABLE {schema}.questions IS 'read-only';
