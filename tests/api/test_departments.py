"""Departments over the API: registry, routing by department, live changes."""
import os
import subprocess
import time

import httpx
import pytest

from conftest import BIN, Server, assert_problem, suffix


@pytest.fixture(scope="module")
def depts(db):
    return {"fin": db.add_dept("fin", "Finance", "वित्त विभाग"), "home": db.add_dept("home", "Home")}


@pytest.fixture(scope="module")
def api(db, depts):
    s = Server(env_extra=db.env())
    s.wait_ready()
    yield s
    s.stop()


@pytest.fixture
def c(api):
    with httpx.Client(base_url=api.url, http1=False, http2=True, timeout=10) as client:
        yield client


def test_readyz_is_ready_with_database(c):
    r = c.get("/readyz")
    assert r.status_code == 200 and r.json() == {"status": "ready", "mode": "read-write", "detail": "ok"}


def test_get_department_reads_its_own_schema(c, depts):
    r = c.get("/v1/departments/" + depts["fin"])
    assert r.status_code == 200, r.text
    assert r.json() == {"code": depts["fin"], "name": "Finance", "name_hi": "वित्त विभाग", "status": "active"}
    assert r.headers["content-type"] == "application/json"


def test_list_departments_pages_with_cursor(c, depts):
    r = c.get("/v1/departments", params={"limit": 1})
    assert r.status_code == 200, r.text
    page1 = r.json()
    assert len(page1["items"]) == 1 and page1["next_cursor"] == page1["items"][0]["code"]
    r = c.get("/v1/departments", params={"limit": 1, "cursor": page1["next_cursor"]})
    page2 = r.json()
    assert len(page2["items"]) == 1 and page2["items"][0]["code"] > page1["items"][0]["code"]
    codes = [d["code"] for d in c.get("/v1/departments", params={"limit": 100}).json()["items"]]
    assert set(depts.values()) <= set(codes)
    assert codes == sorted(codes)


@pytest.mark.parametrize("limit", ["0", "101", "1000000", "-1", "ten", ""])
def test_list_departments_refuses_bad_limit(c, limit):
    body = assert_problem(c.get("/v1/departments", params={"limit": limit}), 400, "invalid-request")
    assert body["errors"][0]["field"] == "limit"


def test_list_departments_refuses_bad_cursor(c):
    body = assert_problem(c.get("/v1/departments", params={"cursor": "x'; DROP TABLE daftar.departments; --"}), 400)
    assert body["errors"][0]["field"] == "cursor"


@pytest.mark.parametrize("code", ["nosuchdept", "UPPER", "a", "dept-with-dash", "x" * 40, "%27%20OR%201%3D1"])
def test_unknown_or_malformed_department_is_404(c, code):
    assert_problem(c.get("/v1/departments/" + code), 404, "not-found")


def test_suspend_and_resume_take_effect_within_a_second(db, c):
    code = db.add_dept("susp")
    deadline = time.monotonic() + 1.5
    while c.get("/v1/departments/" + code).status_code != 200:
        assert time.monotonic() < deadline, "new department not served within a second"
        time.sleep(0.05)
    db.cli("dept", "suspend", code)
    deadline = time.monotonic() + 1.5
    while c.get("/v1/departments/" + code).status_code != 403:
        assert time.monotonic() < deadline, "suspension not seen within a second"
        time.sleep(0.05)
    assert_problem(c.get("/v1/departments/" + code), 403, "forbidden")
    listed = {d["code"]: d["status"] for d in c.get("/v1/departments", params={"limit": 100}).json()["items"]}
    assert listed[code] == "suspended"
    db.cli("dept", "resume", code)
    deadline = time.monotonic() + 1.5
    while c.get("/v1/departments/" + code).status_code != 200:
        assert time.monotonic() < deadline, "resumption not seen within a second"
        time.sleep(0.05)


def test_dept_cli_validates_input(db):
    p = db.cli("dept", "add", "Bad-Code", "--name", "X", check=False)
    assert p.returncode != 0 and "must match" in p.stdout
    p = db.cli("dept", "add", "okcode", check=False)
    assert p.returncode != 0 and "--name is required" in p.stdout
    p = db.cli("dept", "suspend", "never_added", check=False)
    assert p.returncode != 0 and "no department" in p.stdout
    code = db.add_dept("dup")
    p = db.cli("dept", "add", code, "--name", "Again", check=False)
    assert p.returncode != 0
    # nothing half-made: still exactly one row
    assert db.psql("SELECT count(*) FROM daftar.departments WHERE code = '%s'" % code).stdout.strip() == "1"


def test_hindi_names_round_trip(db, c):
    code = db.add_dept("hin", "Rajbhasha", "राजभाषा विभाग")
    deadline = time.monotonic() + 1.5
    while (r := c.get("/v1/departments/" + code)).status_code != 200:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert r.json()["name_hi"] == "राजभाषा विभाग"


def test_many_departments_each_answers_with_its_own_rows(db):
    """80 departments; one thread with one connection alternates among them. (It was 200, added one at a time:
    360 s of a loaded run, the suite's slowest test, where 80 added four at a time prove the same thing.)"""
    codes = db.add_depts([("m%03d" % i, "Dept %d" % i) for i in range(80)])
    s = Server(env_extra=dict(db.env(), DAFTAR_DB_CONNECTIONS="1"), threads=1)
    try:
        s.wait_ready()
        with httpx.Client(base_url=s.url, http1=False, http2=True, timeout=10) as c:
            for round_ in range(2):
                for i, code in enumerate(codes):
                    r = c.get("/v1/departments/" + code)
                    assert r.status_code == 200, r.text
                    assert r.json()["code"] == code and r.json()["name"] == "Dept %d" % i
    finally:
        s.stop()


def test_departments_added_at_once_all_arrive_whole(db):
    """Several `dept add` at once all succeed, each schema fully migrated. They run side by side (the migration
    lock is taken shared): they touch no shared ACL since catalog 0012, where each used to GRANT on the catalog's
    objects and two at once failed with "tuple concurrently updated"."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DAFTAR_")}
    env.update(db.env())
    codes = ["par_%s_%d" % (suffix(4), i) for i in range(6)]
    procs = [subprocess.Popen([BIN, "dept", "add", c, "--name", "Parallel"], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True) for c in codes]
    outs = [p.communicate(timeout=120)[0] for p in procs]
    assert [p.returncode for p in procs] == [0] * 6, outs
    latest = db.psql("SELECT max(version) FROM daftar.schema_migrations WHERE scope LIKE 'dept:%'").stdout.strip()
    for c in codes:
        got = db.psql("SELECT max(version), count(*) FROM daftar.schema_migrations WHERE scope = 'dept:%s'" % c)
        assert got.stdout.strip() == "%s|%s" % (latest, latest), (c, got.stdout)
        assert db.psql("SELECT code FROM dept_%s.profile" % c).stdout.strip() == c
