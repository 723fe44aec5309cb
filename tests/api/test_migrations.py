"""`daftar migrate`: fresh database to latest, re-run is a no-op, late departments get everything."""
import glob
import os

from conftest import ROOT, Database


def latest(group):
    return max(int(os.path.basename(f).split("_")[0]) for f in glob.glob(os.path.join(ROOT, "sql", group, "*.sql")))


def test_fresh_database_to_latest_and_rerun_is_noop():
    d = Database(fresh=True)  # runs migrate once
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
    d = Database(fresh=True)
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


def test_unapplied_number_below_the_highest_is_refused_not_skipped():
    # Two branches both took the next number; the lower one merged after the
    # higher was deployed. Simulated by forgetting that 0005 ran: migrate must
    # refuse and name the file, not skip it for ever.
    d = Database(fresh=True)
    try:
        code = d.add_dept("gap")
        d.psql("DELETE FROM daftar.schema_migrations WHERE scope = 'dept:%s' AND version = 5" % code)
        p = d.cli("migrate", check=False)
        text = p.stdout + p.stderr
        assert p.returncode != 0
        assert "dept/0005_" in text and "renumber" in text
        assert d.psql("SELECT count(*) FROM daftar.schema_migrations WHERE scope = 'dept:%s' AND version = 5"
                      % code).stdout.strip() == "0"
        d.psql("DELETE FROM daftar.schema_migrations WHERE scope = 'catalog' AND version = 2")
        p = d.cli("migrate", check=False)
        assert p.returncode != 0 and "catalog/0002_" in p.stdout + p.stderr
    finally:
        d.drop()


def test_two_migrations_with_one_number_stop_the_build(tmp_path):
    import subprocess
    import sys
    for name in ("0013_letters.sql", "0013_leave.sql"):
        (tmp_path / "dept").mkdir(exist_ok=True)
        (tmp_path / "dept" / name).write_text("SELECT 1;\n")
    p = subprocess.run([sys.executable, os.path.join(ROOT, "lib", "embed.py"), "sql", str(tmp_path / "out.c")]
                       + [str(tmp_path / "dept" / n) for n in ("0013_letters.sql", "0013_leave.sql")],
                       capture_output=True, text=True)
    assert p.returncode != 0 and "share a migration number" in p.stderr


def function_defs(d, code):
    """Every function and trigger of a department's schema, its name written S."""
    schema = "dept_%s" % code
    text = d.psql("SELECT string_agg(pg_get_functiondef(p.oid), E'\\n' ORDER BY p.oid::regprocedure::text) "
                  "FROM pg_proc p WHERE p.pronamespace = '%s'::regnamespace" % schema).stdout
    text += d.psql("SELECT string_agg(pg_get_triggerdef(t.oid), E'\\n' ORDER BY t.tgname) FROM pg_trigger t "
                   "JOIN pg_class c ON c.oid = t.tgrelid WHERE c.relnamespace = '%s'::regnamespace "
                   "AND NOT t.tgisinternal" % schema).stdout
    return text.replace(schema, "S")


def first_definition(path, name):
    """A function's first body in the migrations: what an old database still runs."""
    import re
    with open(os.path.join(ROOT, "sql", "dept", path)) as f:
        src = f.read()
    start = re.search(r"CREATE FUNCTION \{schema\}\.%s\(" % name, src).start()
    end = src.index(";", src.index("$$", src.index("$$", start) + 2)) + 1
    return src[start:end].replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1)


def test_an_old_database_migrates_to_the_functions_of_a_new_one():
    # The file in sql/dept/functions/ is the rule in force: a department
    # still running older bodies (note_add of 0003, may_see of 0002) gets
    # exactly the definitions a new department gets.
    d = Database(fresh=True)
    try:
        new, old = d.add_dept("fnew"), d.add_dept("fold")
        for path, name in (("0003_notes.sql", "note_add"), ("0002_files.sql", "may_see")):
            d.psql(first_definition(path, name).replace("{schema}", "dept_%s" % old))
            d.psql("UPDATE daftar.schema_functions SET sha256 = 'older' WHERE scope = 'dept:%s' AND name = '%s'"
                   % (old, name))
        assert function_defs(d, old) != function_defs(d, new)
        p = d.cli("migrate")
        assert "applied dept:%s dept/functions/note_add" % old in p.stdout
        assert "applied dept:%s dept/functions/may_see" % old in p.stdout
        assert "dept:%s " % new not in p.stdout
        assert function_defs(d, old) == function_defs(d, new)
    finally:
        d.drop()


def test_a_new_migration_may_not_define_functions(tmp_path):
    import subprocess
    import sys
    (tmp_path / "dept").mkdir()
    bad = tmp_path / "dept" / "9999_leave.sql"
    bad.write_text("CREATE TABLE {schema}.leave (id int);\nCREATE OR REPLACE FUNCTION {schema}.x() RETURNS int "
                   "LANGUAGE sql AS $$ SELECT 1 $$;\n")
    p = subprocess.run([sys.executable, os.path.join(ROOT, "lib", "embed.py"), "sql", str(tmp_path / "out.c"), str(bad)],
                       capture_output=True, text=True)
    assert p.returncode != 0 and "sql/dept/functions/" in p.stderr
