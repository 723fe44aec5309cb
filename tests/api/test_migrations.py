"""`daftar migrate`: fresh database to latest, re-run is a no-op, late departments get everything."""
import glob
import os

from conftest import ROOT, Database


def latest(group):
    return max(int(os.path.basename(f).split("_")[0]) for f in glob.glob(os.path.join(ROOT, "sql", group, "*.sql")))


def test_fresh_database_to_latest_and_rerun_is_noop():
    d = Database()  # runs migrate once
    try:
        v = d.psql("SELECT max(version) FROM daftar.schema_migrations WHERE scope = 'catalog'").stdout.strip()
        assert int(v) == latest("catalog")
        before = d.psql("SELECT count(*), max(applied_at) FROM daftar.schema_migrations").stdout
        p = d.cli("migrate")
        assert "applied" not in p.stdout and "migrations are current" in p.stdout
        assert d.psql("SELECT count(*), max(applied_at) FROM daftar.schema_migrations").stdout == before
    finally:
        d.drop()


def test_department_added_later_gets_every_dept_migration():
    d = Database()
    try:
        code = d.add_dept("late")
        versions = d.psql("SELECT string_agg(version::text, ',' ORDER BY version) FROM daftar.schema_migrations "
                          "WHERE scope = 'dept:%s'" % code).stdout.strip()
        assert versions == ",".join(str(v) for v in range(1, latest("dept") + 1))
        assert d.psql("SELECT count(*) FROM dept_%s.profile" % code).stdout.strip() == "1"
        p = d.cli("migrate")
        assert "applied" not in p.stdout
    finally:
        d.drop()


def test_migrate_without_admin_dsn_fails_clearly():
    import subprocess
    from conftest import BIN
    p = subprocess.run([BIN, "migrate"], env={}, capture_output=True, text=True, timeout=30)
    assert p.returncode == 1 and "db_admin_dsn is not set" in p.stderr
