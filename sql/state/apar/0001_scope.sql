-- 0001_scope: the statewide scope of APAR (annual performance appraisal
-- reports): {schema} and {role} are both state_apar. A form's authorities
-- may sit in any department, so forms live here, reached by their chain,
-- not in the officer's department (README "Scopes"). The grants first, as
-- for every scope; every table has row-level security, its policies in
-- functions/*_policies.sql; writes go through SECURITY DEFINER functions.
GRANT USAGE ON SCHEMA {schema} TO {role};
ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role};
ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT USAGE, SELECT ON SEQUENCES TO {role};
ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT EXECUTE ON FUNCTIONS TO {role};

-- Who did what to which form, from which department and request; never changed.
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

-- Deadlines (the scoped timers functions, sql/scoped/functions/): a stage
-- whose date passes moves on by itself.
CREATE TABLE {schema}.timers (
    id bigserial PRIMARY KEY,
    kind text NOT NULL CHECK (kind ~ '^[a-z][a-z0-9_]{0,39}$'),
    subject uuid NOT NULL,
    payload jsonb NOT NULL DEFAULT '{}',
    due_at timestamptz NOT NULL,
    attempts integer NOT NULL DEFAULT 0,
    last_error text,
    fired_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX timers_due ON {schema}.timers (due_at) WHERE fired_at IS NULL;
CREATE INDEX timers_subject ON {schema}.timers (kind, subject) WHERE fired_at IS NULL;
ALTER TABLE {schema}.timers ENABLE ROW LEVEL SECURITY;
