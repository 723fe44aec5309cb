-- 0012_dept_group: what every department's role may use of the catalog is
-- granted once, to the group role daftar_dept, which each department role is
-- a member of (lib/tenant/admin.c: CREATE ROLE ... IN ROLE daftar_dept).
-- Department migrations used to grant each role on the shared objects
-- themselves: with 1,000 departments those ACLs held 1,000 entries each, and
-- two departments added at once collided updating the same catalog rows
-- ("tuple concurrently updated"), so adds had to be serialised.
--
-- What a department role reaches through the group is what each had before:
-- the daftar schema, its own rows of dept_members and dept_key (both views
-- filter on current_user, which stays the department's role), certificates'
-- public columns and certificates_mine() (the caller's own).
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'daftar_dept') THEN
        CREATE ROLE daftar_dept NOLOGIN;
    END IF;
END
$$;
ALTER ROLE daftar_dept NOLOGIN NOCREATEROLE NOCREATEDB;
GRANT USAGE ON SCHEMA daftar TO daftar_dept;
GRANT SELECT ON daftar.dept_members TO daftar_dept;
GRANT EXECUTE ON FUNCTION daftar.certificates_mine() TO daftar_dept;
GRANT SELECT (fingerprint, der) ON daftar.certificates TO daftar_dept;
GRANT SELECT, UPDATE (data_key) ON daftar.dept_key TO daftar_dept;

DO $$
DECLARE
    r text;
BEGIN
    FOR r IN SELECT quote_ident('dept_' || code) FROM daftar.departments LOOP
        EXECUTE 'GRANT daftar_dept TO ' || r;
        EXECUTE 'REVOKE USAGE ON SCHEMA daftar FROM ' || r;
        EXECUTE 'REVOKE SELECT ON daftar.dept_members FROM ' || r;
        EXECUTE 'REVOKE EXECUTE ON FUNCTION daftar.certificates_mine() FROM ' || r;
        EXECUTE 'REVOKE SELECT (fingerprint, der) ON daftar.certificates FROM ' || r;
        EXECUTE 'REVOKE SELECT, UPDATE (data_key) ON daftar.dept_key FROM ' || r;
    END LOOP;
END
$$;

-- Functions the migrating role creates from now on are not PUBLIC's to
-- execute (PostgreSQL grants EXECUTE to PUBLIC by default, and a schema's
-- default privileges can only add to that). Department schemas grant their
-- role EXECUTE by their own default privileges (department 0001); catalog
-- migrations after this one grant daftar_api each function it calls.
ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;
