-- 0004_progress: progress counted on the server's clock, assessments scored
-- on the server, completions and their revocation, anomaly flags.
--
-- module_progress is where an enrolment stands on each module: the last
-- start and finish (server time), whether the module counted (finished no
-- sooner than its minimum time after its start), the assessment's attempts
-- and best score. progress_events is every event as it came (append-only):
-- what the officer did and when the server saw it, never what the client
-- claimed. An answer sheet is kept as its SHA-256 only (to tell identical
-- sheets apart, never to read answers back).
--
-- completions are the certificates' facts (append-only: a completion never
-- changes); its id is the certificate's id. A revocation is a row of
-- revocations (append-only); a revoked completion counts for nothing.
-- Completions from another platform carry their source and its record id
-- (unique: an import is idempotent).
--
-- flags inform the nodal officer (many modules within a minute, a module
-- finished sooner than its minimum, many completions from one client,
-- identical answer sheets): they never change progress. A client is a
-- keyed hash of the request's network address (settings client_salt,
-- which the role may not read), never the address itself.
CREATE TABLE {schema}.module_progress (
    enrolment uuid NOT NULL REFERENCES {schema}.enrolments (id),
    module smallint NOT NULL,
    uid text NOT NULL,
    started_at timestamptz,
    finished_at timestamptz,
    seconds integer,
    counted boolean NOT NULL DEFAULT false,
    attempts smallint NOT NULL DEFAULT 0,
    best_score smallint CHECK (best_score BETWEEN 0 AND 100),
    PRIMARY KEY (enrolment, module)
);
ALTER TABLE {schema}.module_progress ENABLE ROW LEVEL SECURITY;

CREATE TABLE {schema}.progress_events (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    enrolment uuid NOT NULL REFERENCES {schema}.enrolments (id),
    uid text NOT NULL,
    module smallint NOT NULL,
    event text NOT NULL CHECK (event IN ('started', 'finished', 'answers')),
    at timestamptz NOT NULL DEFAULT now(),
    seconds integer,
    counted boolean,
    score smallint,
    sheet text,                                        -- SHA-256 of an answer sheet
    client text NOT NULL
);
COMMENT ON TABLE {schema}.progress_events IS 'append-only';
REVOKE UPDATE, DELETE, TRUNCATE ON {schema}.progress_events FROM {role};
CREATE INDEX progress_events_uid ON {schema}.progress_events (uid, at);
CREATE INDEX progress_events_sheet ON {schema}.progress_events (module, sheet) WHERE sheet IS NOT NULL;
ALTER TABLE {schema}.progress_events ENABLE ROW LEVEL SECURITY;

CREATE TABLE {schema}.completions (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    uid text NOT NULL REFERENCES daftar.officers (uid),
    course uuid NOT NULL REFERENCES {schema}.courses (id),
    enrolment uuid REFERENCES {schema}.enrolments (id),  -- NULL for an import
    completed_on date NOT NULL,
    score smallint CHECK (score BETWEEN 0 AND 100),
    valid_until date,                                    -- NULL: never expires
    source text NOT NULL DEFAULT 'daftar' CHECK (source ~ '^[a-z][a-z0-9_-]{1,30}$'),
    source_ref text CHECK (length(source_ref) BETWEEN 1 AND 100),
    client text NOT NULL DEFAULT '',
    recorded_by text NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (source, source_ref),
    CHECK ((source = 'daftar') = (source_ref IS NULL))
);
COMMENT ON TABLE {schema}.completions IS 'append-only';
REVOKE UPDATE, DELETE, TRUNCATE ON {schema}.completions FROM {role};
CREATE INDEX completions_uid ON {schema}.completions (uid, course);
CREATE INDEX completions_client ON {schema}.completions (client, recorded_at);
ALTER TABLE {schema}.completions ENABLE ROW LEVEL SECURITY;

CREATE TABLE {schema}.revocations (
    completion uuid PRIMARY KEY REFERENCES {schema}.completions (id),
    revoked_at timestamptz NOT NULL DEFAULT now(),
    revoked_by text NOT NULL,
    reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 1000)
);
COMMENT ON TABLE {schema}.revocations IS 'append-only';
REVOKE UPDATE, DELETE, TRUNCATE ON {schema}.revocations FROM {role};
CREATE INDEX revocations_at ON {schema}.revocations (revoked_at, completion);
ALTER TABLE {schema}.revocations ENABLE ROW LEVEL SECURITY;

CREATE TABLE {schema}.flags (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uid text NOT NULL,
    course uuid NOT NULL REFERENCES {schema}.courses (id),
    enrolment uuid REFERENCES {schema}.enrolments (id),
    kind text NOT NULL CHECK (kind IN ('too_fast', 'many_fast', 'bulk_client', 'same_answers')),
    detail jsonb NOT NULL DEFAULT '{}',
    at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE {schema}.flags IS 'append-only';
REVOKE UPDATE, DELETE, TRUNCATE ON {schema}.flags FROM {role};
CREATE INDEX flags_uid ON {schema}.flags (uid, at);
ALTER TABLE {schema}.flags ENABLE ROW LEVEL SECURITY;

INSERT INTO {schema}.settings (name, value) VALUES ('client_salt', gen_random_uuid()::text);
