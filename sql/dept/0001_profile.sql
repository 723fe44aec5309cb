-- 0001_profile: the grants every department schema starts with, and the
-- department's own profile. {schema} and {role} are the department's quoted
-- schema and role names (both dept_<code>). The default privileges come
-- first so that they cover every object the migrations create, this one's
-- table too: no GRANT ... ON ALL ... IN SCHEMA, which scans all of pg_class
-- or pg_proc (tens of milliseconds with a thousand departments). Functions
-- are not PUBLIC's: catalog 0012 revokes that default for the migrating role.
GRANT USAGE ON SCHEMA {schema} TO {role};
ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role};
ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT USAGE, SELECT ON SEQUENCES TO {role};
ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT EXECUTE ON FUNCTIONS TO {role};

CREATE TABLE {schema}.profile (
    code text PRIMARY KEY,
    name text NOT NULL,
    name_hi text,
    updated_at timestamptz NOT NULL DEFAULT now()
);

