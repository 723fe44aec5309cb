"""Department isolation is enforced by PostgreSQL itself, not only by our code."""
import pytest

from conftest import suffix


@pytest.fixture(scope="module")
def two(db):
    return db.add_dept("ta"), db.add_dept("tb")


def test_role_of_a_cannot_read_table_of_b(db, two):
    a, b = two
    p = db.psql("BEGIN; SET LOCAL ROLE dept_%s; SELECT * FROM dept_%s.profile;" % (a, b), user="daftar_api", check=False)
    assert p.returncode != 0
    assert "permission denied" in p.stderr
    # and the same statement under B's own role works
    p = db.psql("BEGIN; SET LOCAL ROLE dept_%s; SELECT code FROM dept_%s.profile;" % (b, b), user="daftar_api")
    assert p.stdout.strip() == b


def test_sqlstate_is_42501(db, two):
    a, b = two
    p = db.psql("DO $$ BEGIN SET LOCAL ROLE dept_%s; PERFORM * FROM dept_%s.profile; "
                "EXCEPTION WHEN insufficient_privilege THEN RAISE NOTICE 'sqlstate %%', SQLSTATE; END $$;" % (a, b),
                user="daftar_api")
    assert "sqlstate 42501" in p.stderr


def test_api_role_alone_has_no_department_privileges(db, two):
    a, _ = two
    p = db.psql("SELECT * FROM dept_%s.profile" % a, user="daftar_api", check=False)
    assert p.returncode != 0 and "permission denied" in p.stderr
    p = db.psql("INSERT INTO daftar.departments (code, name) VALUES ('evil', 'x')", user="daftar_api", check=False)
    assert p.returncode != 0 and "permission denied" in p.stderr


def test_api_role_owns_nothing_and_cannot_create(db):
    out = db.psql("SELECT rolcreaterole, rolcreatedb, rolsuper, rolinherit FROM pg_roles WHERE rolname = 'daftar_api'")
    assert out.stdout.strip() == "f|f|f|f"
    owned = db.psql("SELECT count(*) FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner WHERE r.rolname = 'daftar_api'")
    assert owned.stdout.strip() == "0"
    owns_db = db.psql("SELECT count(*) FROM pg_database d JOIN pg_roles r ON r.oid = d.datdba WHERE r.rolname = 'daftar_api'")
    assert owns_db.stdout.strip() == "0"
    p = db.psql("CREATE TABLE public.decoy (x int)", user="daftar_api", check=False)
    assert p.returncode != 0 and "permission denied" in p.stderr
    p = db.psql("CREATE SCHEMA sneaky", user="daftar_api", check=False)
    assert p.returncode != 0 and "permission denied" in p.stderr


def test_department_role_cannot_login(db, two):
    a, _ = two
    out = db.psql("SELECT rolcanlogin FROM pg_roles WHERE rolname = 'dept_%s'" % a)
    assert out.stdout.strip() == "f"


def test_every_department_object_is_its_roles_and_no_function_is_public(db, two):
    """The department schema's default privileges (department 0001, catalog 0012; checked by lib/tenant/admin.c):
    each department role may use every table and function of its schema, other departments' roles and PUBLIC
    none; for a department added at once (dept add) and for one migrated step by step (a migration re-applied
    through `daftar migrate`)."""
    a, b = two
    # replay department migrations 0010 (it creates functions) and later through `migrate`, the
    # one-transaction-per-migration path
    db.psql("DELETE FROM daftar.schema_migrations WHERE scope = 'dept:%s' AND version >= 10" % b)
    db.psql("DROP FUNCTION dept_{0}.held_before(uuid), dept_{0}.may_see_file_of(uuid), dept_{0}.cleared_for(text), "
            "dept_{0}.keeps_records(text)".format(b))
    db.cli("migrate")
    for d, other in ((a, b), (b, a)):
        # evidence (commented append-only or drafts-only, department 0014, 0018, 0019, 0025, 0027-0029) is readable and insertable
        # only; the record of weeded files (0030, 'read-only': file_weed writes it as the owner) readable only; every other
        # table is the role's to use
        tables = db.psql("SELECT count(*), count(*) FILTER (WHERE has_table_privilege('dept_{0}', c.oid, 'SELECT') AND "
                         "CASE WHEN obj_description(c.oid, 'pg_class') = 'read-only' "
                         "THEN NOT has_any_column_privilege('dept_{0}', c.oid, 'INSERT') AND "
                         "NOT has_table_privilege('dept_{0}', c.oid, 'UPDATE,DELETE,TRUNCATE') "
                         "ELSE has_any_column_privilege('dept_{0}', c.oid, 'INSERT') AND (obj_description(c.oid, 'pg_class') "
                         "IS NOT NULL OR has_table_privilege('dept_{0}', c.oid, 'UPDATE,DELETE')) END), "
                         "count(*) FILTER (WHERE has_table_privilege('dept_{1}', c.oid, 'SELECT')), "
                         "count(*) FILTER (WHERE obj_description(c.oid, 'pg_class') = 'append-only' AND "
                         "NOT has_table_privilege('dept_{0}', c.oid, 'UPDATE') AND "
                         "NOT has_table_privilege('dept_{0}', c.oid, 'DELETE')) "
                         "FROM pg_class c WHERE c.relnamespace = 'dept_{0}'::regnamespace AND c.relkind = 'r'"
                         .format(d, other)).stdout.strip()
        n, own, foreign, evidence = map(int, tables.split("|"))
        assert n > 10 and own == n and foreign == 0 and evidence == 12, tables  # audit_chains (dept 0021), issue 27's 5
        funcs = db.psql("SELECT count(*), count(*) FILTER (WHERE has_function_privilege('dept_%s', p.oid, 'EXECUTE')), "
                        "count(*) FILTER (WHERE has_function_privilege('dept_%s', p.oid, 'EXECUTE')), "
                        "count(*) FILTER (WHERE has_function_privilege('daftar_api', p.oid, 'EXECUTE')) "
                        "FROM pg_proc p WHERE p.pronamespace = 'dept_%s'::regnamespace" % (d, other, d)).stdout.strip()
        n, own, foreign, api = map(int, funcs.split("|"))
        assert n > 20 and own == n and foreign == 0 and api == 0, funcs


def test_department_roles_reach_the_catalog_through_one_group(db, two):
    """Catalog 0012: what a department role may use of the shared catalog is granted once, to daftar_dept, of
    which every department role is a member, so those ACLs do not grow with the departments (nor do adds
    contend for them); each role still sees only its own department's row of dept_key."""
    a, b = two
    acls = db.psql("SELECT coalesce(nspacl::text, '') FROM pg_namespace WHERE nspname = 'daftar' UNION ALL "
                   "SELECT coalesce(relacl::text, '') FROM pg_class "
                   "WHERE oid IN ('daftar.dept_members'::regclass, 'daftar.dept_key'::regclass) UNION ALL "
                   "SELECT coalesce(attacl::text, '') FROM pg_attribute "
                   "WHERE attrelid IN ('daftar.certificates'::regclass, 'daftar.dept_key'::regclass) AND attnum > 0 "
                   "UNION ALL SELECT coalesce(proacl::text, '') FROM pg_proc "
                   "WHERE oid = 'daftar.certificates_mine()'::regprocedure").stdout
    assert acls.count("daftar_dept=") == 7, acls
    assert "dept_%s" % a not in acls and "dept_%s" % b not in acls, acls
    for d in (a, b):
        assert db.psql("SELECT pg_has_role('dept_%s', 'daftar_dept', 'USAGE')" % d).stdout.strip() == "t"
        key = db.psql("BEGIN; SET LOCAL ROLE dept_%s; SELECT code FROM daftar.dept_key;" % d, user="daftar_api")
        assert key.stdout.split() == [d]


def test_dept_add_refuses_a_schema_whose_functions_public_may_execute(db):
    """The runner's check (lib/tenant/admin.c): when the default privileges did not do their work (here PUBLIC
    is given EXECUTE on the owner's new functions again), the department is not added and nothing of it stays."""
    code = "chk_" + suffix()
    db.psql("ALTER DEFAULT PRIVILEGES FOR ROLE daftar_owner GRANT EXECUTE ON FUNCTIONS TO PUBLIC")
    try:
        p = db.cli("dept", "add", code, "--name", "Check", check=False)
    finally:
        db.psql("ALTER DEFAULT PRIVILEGES FOR ROLE daftar_owner REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC")
    said = p.stdout + p.stderr
    assert p.returncode != 0 and "PUBLIC may execute" in said and "me()" in said, said
    left = db.psql("SELECT (SELECT count(*) FROM daftar.departments WHERE code = '{0}'), (SELECT count(*) FROM "
                   "pg_namespace WHERE nspname = 'dept_{0}'), (SELECT count(*) FROM pg_roles WHERE rolname = "
                   "'dept_{0}')".format(code)).stdout.strip()
    assert left == "0|0|0"
    db.add_dept("chk")  # and with the defaults back, adding works


def test_the_dak_exchange_is_the_one_narrow_crossing(db, two):
    """Catalog 0026: a department role sends only as itself, reads only what it sent or received, acknowledges
    only what it received, once, and never deletes; the rows of two other departments do not exist for it."""
    a, b = two
    c = db.add_dept("tc")
    as_role = lambda d, sql: db.psql("BEGIN; SET LOCAL ROLE dept_%s; %s COMMIT;" % (d, sql), user="daftar_api",  # noqa
                                     check=False)
    cols = "(sender, sender_name, recipient, dispatch_id, dispatch_number, subject, letter_date, filename, content, sha256)"

    def values(sender, recipient):
        return ("VALUES ('%s', 'Dept', '%s', gen_random_uuid(), 'X/2026/D/000001', 'Letter', current_date, 'l.pdf', "
                "'\\x25504446'::bytea, '%s')" % (sender, recipient, "0" * 64))
    p = as_role(a, "INSERT INTO daftar.dak_exchange %s %s RETURNING id;" % (cols, values(a, b)))
    assert p.returncode == 0, p.stderr
    mine = p.stdout.split()[0]
    # as another, to itself, to nobody, with a clock of its own: refused
    for sql in ("INSERT INTO daftar.dak_exchange %s %s;" % (cols, values(b, c)),
                "INSERT INTO daftar.dak_exchange %s %s;" % (cols, values(a, a)),
                "INSERT INTO daftar.dak_exchange %s %s;" % (cols, values(a, "nosuch_dept")),
                "INSERT INTO daftar.dak_exchange (sent_at, %s %s;" % (cols[1:], values(a, b).replace("VALUES (", "VALUES (now() - interval '9 days', "))):
        p = as_role(a, sql)
        assert p.returncode != 0 and ("row-level security" in p.stderr or "permission denied" in p.stderr
                                      or "violates check" in p.stderr), (sql, p.stderr)
    # a row between b and c does not exist for a
    db.psql("INSERT INTO daftar.dak_exchange %s %s" % (cols, values(b, c)))
    assert as_role(a, "SELECT count(*) FROM daftar.dak_exchange WHERE sender <> '%s' AND recipient <> '%s';" % (a, a)
                   ).stdout.split()[0] == "0"
    assert as_role(c, "SELECT count(*) FROM daftar.dak_exchange WHERE id = '%s';" % mine).stdout.split()[0] == "0"
    # the sender cannot acknowledge its own letter; the recipient only the acknowledgement columns, once
    p = as_role(a, "UPDATE daftar.dak_exchange SET receipt_number = 'X', acknowledged_by = 'x', acknowledged_at = now() "
                   "WHERE id = '%s' RETURNING id;" % mine)
    assert p.returncode == 0 and mine not in p.stdout, p.stdout + p.stderr
    p = as_role(b, "UPDATE daftar.dak_exchange SET subject = 'changed' WHERE id = '%s';" % mine)
    assert p.returncode != 0 and "permission denied" in p.stderr
    ack = ("UPDATE daftar.dak_exchange SET receipt_number = '%s', acknowledged_by = 'x', acknowledged_at = now() "
           "WHERE id = '%s';")
    assert as_role(b, ack % ("R1", mine)).returncode == 0
    p = as_role(b, ack % ("R2", mine))
    assert p.returncode != 0 and "acknowledged once" in p.stderr
    for d in (a, b):
        p = as_role(d, "DELETE FROM daftar.dak_exchange WHERE id = '%s';" % mine)
        assert p.returncode != 0 and "permission denied" in p.stderr
    p = db.psql("DELETE FROM daftar.dak_exchange WHERE id = '%s'" % mine, check=False)  # nor the owner
    assert p.returncode != 0 and "never changes" in p.stderr
    # no department role holds a grant of its own on it: only the group
    acl = db.psql("SELECT relacl::text FROM pg_class WHERE oid = 'daftar.dak_exchange'::regclass").stdout
    assert "daftar_dept=" in acl and "dept_%s" % a not in acl and "dept_%s" % b not in acl and "PUBLIC" not in acl
