-- 0001_catalog: the department registry and the API's login role.
--
-- Runs as the migration owner (CREATEROLE needed for the roles below; in a
-- real deployment the DBA may create daftar_api beforehand). daftar_api
-- owns nothing, cannot create roles or databases, and inherits no
-- privileges from the department roles it is a member of: it must switch
-- role per transaction to touch a department's tables.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'daftar_api') THEN
        CREATE ROLE daftar_api LOGIN NOINHERIT;
    END IF;
END
$$;
ALTER ROLE daftar_api NOINHERIT NOCREATEROLE NOCREATEDB;
DO $$
BEGIN
    IF (SELECT rolsuper OR rolreplication OR rolbypassrls FROM pg_roles WHERE rolname = 'daftar_api') THEN
        RAISE EXCEPTION 'daftar_api must not be a superuser, replicate or bypass row security';
    END IF;
END
$$;

REVOKE CREATE ON SCHEMA public FROM PUBLIC;

CREATE TABLE daftar.departments (
    id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code text NOT NULL UNIQUE CHECK (code ~ '^[a-z][a-z0-9_]{1,30}$'),
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    name_hi text CHECK (name_hi IS NULL OR length(name_hi) BETWEEN 1 AND 200),
    status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
    cluster text NOT NULL DEFAULT 'main',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

GRANT USAGE ON SCHEMA daftar TO daftar_api;
GRANT SELECT ON daftar.departments TO daftar_api;
GRANT SELECT ON daftar.schema_migrations TO daftar_api;
