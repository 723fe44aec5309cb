-- 0020_state_scopes: the group role of the statewide scopes. Each scope
-- (sql/state/<name>/) has a schema and a NOLOGIN role state_<name>, made by
-- `daftar migrate` as a member of daftar_state and granted to daftar_api
-- (NOINHERIT: a request takes the role with SET ROLE, as for departments).
-- What a state role may use of the catalog is granted to the group once:
-- the daftar schema and the view daftar.state_members
-- (functions/state_members.sql), nothing of credentials, tokens or keys.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'daftar_state') THEN
        CREATE ROLE daftar_state NOLOGIN;
    END IF;
END
$$;
ALTER ROLE daftar_state NOLOGIN NOCREATEROLE NOCREATEDB;
GRANT USAGE ON SCHEMA daftar TO daftar_state;
