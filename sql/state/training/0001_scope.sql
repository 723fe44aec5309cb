-- 0001_scope: the grants every statewide scope starts with ({schema} and
-- {role} are both state_training), as hr's 0001: the default privileges
-- first, so they cover every object the migrations create. Functions are
-- not PUBLIC's (catalog 0012). The scope's role reaches nothing of the
-- catalog but what catalog 0020 grants its group (daftar.state_members).
--
-- Training keeps here what no department owns (the state's course
-- catalogue) and what follows an officer (their progress and certificates):
-- the UID and progress, nothing else about the officer (README "Training").
-- Every table has row-level security: its policies (functions/*_policies.sql)
-- say which rows the request's settings reach.
GRANT USAGE ON SCHEMA {schema} TO {role};
ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role};
ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT USAGE, SELECT ON SEQUENCES TO {role};
ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT EXECUTE ON FUNCTIONS TO {role};

-- Rules a state sets as data. admin_dept: the code of the department whose
-- members holding training_admin manage the state's catalogue and state
-- assignments ('' until the state names one: then nobody does).
CREATE TABLE {schema}.settings (
    name text PRIMARY KEY CHECK (name ~ '^[a-z_]{1,40}$'),
    value text NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO {schema}.settings (name, value) VALUES ('admin_dept', '');
ALTER TABLE {schema}.settings ENABLE ROW LEVEL SECURITY;

-- Who changed what (courses, assignments, enrolments, certificates), from
-- which department: appended by the scope's functions, never changed.
CREATE TABLE {schema}.audit (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at timestamptz NOT NULL DEFAULT now(),
    actor text NOT NULL,
    dept text NOT NULL,
    action text NOT NULL,
    subject text NOT NULL,
    request_id text NOT NULL,
    detail jsonb
);
COMMENT ON TABLE {schema}.audit IS 'append-only';
REVOKE UPDATE, DELETE, TRUNCATE ON {schema}.audit FROM {role};
ALTER TABLE {schema}.audit ENABLE ROW LEVEL SECURITY;
CREATE INDEX audit_subject ON {schema}.audit (subject, id);
