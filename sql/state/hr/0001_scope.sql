-- 0001_scope: the grants every statewide scope starts with ({schema} and
-- {role} are both state_hr), as a department's 0001: the default privileges
-- first, so they cover every object the migrations create. Functions are
-- not PUBLIC's (catalog 0012). The scope's role reaches nothing of the
-- catalog but what catalog 0020 grants its group (daftar.state_members).
--
-- e-HRMS keeps here what follows an officer from department to department:
-- service particulars, the service book, leave, postings (README "Scopes").
-- Every table has row-level security: its policies (functions/*_policies.sql)
-- say which rows the request's officer settings reach, so a statement that
-- forgot a rule still reads nothing it should not.
GRANT USAGE ON SCHEMA {schema} TO {role};
ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role};
ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT USAGE, SELECT ON SEQUENCES TO {role};
ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT EXECUTE ON FUNCTIONS TO {role};

-- Rules a state sets as data (superannuation_age: years).
CREATE TABLE {schema}.settings (
    name text PRIMARY KEY CHECK (name ~ '^[a-z_]{1,40}$'),
    value text NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO {schema}.settings (name, value) VALUES ('superannuation_age', '60');
ALTER TABLE {schema}.settings ENABLE ROW LEVEL SECURITY;

-- Who changed which officer's records, from which department: appended by
-- the scope's functions, never changed (the role may only read and insert).
CREATE TABLE {schema}.audit (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at timestamptz NOT NULL DEFAULT now(),
    actor text NOT NULL,
    dept text NOT NULL,
    action text NOT NULL,
    subject text NOT NULL,
    request_id text NOT NULL,
    client_addr text NOT NULL,
    detail jsonb
);
COMMENT ON TABLE {schema}.audit IS 'append-only';
REVOKE UPDATE, DELETE, TRUNCATE ON {schema}.audit FROM {role};
ALTER TABLE {schema}.audit ENABLE ROW LEVEL SECURITY;
CREATE INDEX audit_subject ON {schema}.audit (subject, id);
