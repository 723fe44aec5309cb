"""Departments on several PostgreSQL clusters (issue 23): a second, real cluster started here with
deploy/pg.sh (initdb under .pg/), departments on each, each department's statements sent to its
cluster's pool, and the roles that isolate departments present and holding on both clusters."""
import os
import subprocess

import pytest

from conftest import BIN, ROOT, Database, Server, free_port, keyed_env
from test_auth import Officers, bearer, tokens

# DAFTAR_TEST_PGPORT_B pins the second cluster's port (helpers sharing a machine each have theirs)
PORT_B = os.environ.get("DAFTAR_TEST_PGPORT_B") or str(free_port())
DIR_B = os.path.join(ROOT, ".pg", "clusters-%s" % PORT_B)


def pg_b(action):
    subprocess.run([os.path.join(ROOT, "deploy", "pg.sh"), action, DIR_B, PORT_B], check=True, capture_output=True,
                   timeout=120)


def psql_at(host, port, dbname, sql, user="postgres", check=True):
    p = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", host, "-p", port, "-U", user,
                        "-d", dbname, "-c", sql], capture_output=True, text=True, timeout=60)
    if check and p.returncode != 0:
        raise AssertionError("psql failed: %s" % p.stderr)
    return p


class TwoClusters(Database):
    """The suite's database on the test cluster ("main": the catalog) and one of the same name on cluster "b"."""

    def __init__(self):
        pg_b("start")
        self.host_b = os.path.join(DIR_B, "sock")
        psql_at(self.host_b, PORT_B, "postgres",
                "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'daftar_owner') THEN "
                "CREATE ROLE daftar_owner LOGIN CREATEROLE; END IF; END $$")
        self.b_name = None
        super().__init__()

    def env(self):
        if self.b_name is None:  # the database on b is named as the one on main, which __init__ names first
            self.b_name = self.name
            psql_at(self.host_b, PORT_B, "postgres", "CREATE DATABASE %s OWNER daftar_owner" % self.b_name)
        b = "host=%s port=%s dbname=%s" % (self.host_b, PORT_B, self.b_name)
        return dict(super().env(), DAFTAR_CLUSTERS="b=%s user=daftar_api" % b,
                    DAFTAR_CLUSTER_ADMIN_DSNS="b=%s user=daftar_owner" % b)

    def psql_b(self, sql, user="postgres", check=True):
        return psql_at(self.host_b, PORT_B, self.b_name, sql, user=user, check=check)

    def drop(self):
        super().drop()
        pg_b("stop")
        subprocess.run(["rm", "-rf", DIR_B], check=False)


@pytest.fixture(scope="module")
def cdb():
    d = TwoClusters()
    yield d
    d.drop()


@pytest.fixture(scope="module")
def w(cdb, tmp_path_factory):
    env = keyed_env(cdb)
    m1, m2 = cdb.add_dept("cm"), cdb.add_dept("cn")
    b1 = "cb_" + os.urandom(3).hex()
    b2 = "cc_" + os.urandom(3).hex()
    cdb.cli("dept", "add", b1, "--name", "On B", "--cluster", "b")
    cdb.cli("dept", "add", b2, "--name", "Also on B", "--cluster", "b")
    off = Officers(cdb, str(tmp_path_factory.mktemp("pw")))
    people = {d: off.add(d, "officer")[0] for d in (m1, m2, b1, b2)}
    s = Server(env_extra=env)
    s.wait_ready()
    yield dict(m1=m1, m2=m2, b1=b1, b2=b2, people=people, server=s, env=env)
    s.stop()


def client(w):
    import httpx
    return httpx.Client(base_url=w["server"].url, timeout=20)


def create_file(c, w, dept, subject):
    tok = tokens(c, w["people"][dept])["access_token"]
    r = c.post("/v1/departments/%s/files" % dept, headers=bearer(tok), json={"subject": subject, "section": "GEN"})
    assert r.status_code == 201, r.text
    return r.json()


def test_dept_add_puts_the_schema_on_its_cluster_and_the_registry_on_main(cdb, w):
    for d in (w["b1"], w["b2"]):
        assert cdb.psql("SELECT cluster FROM daftar.departments WHERE code = '%s'" % d).stdout.strip() == "b"
        assert cdb.psql_b("SELECT count(*) FROM pg_namespace WHERE nspname = 'dept_%s'" % d).stdout.strip() == "1"
        assert cdb.psql("SELECT count(*) FROM pg_namespace WHERE nspname = 'dept_%s'" % d).stdout.strip() == "0"
        # main's catalog knows its migrations (the servers' readiness checks them)
        assert int(cdb.psql("SELECT count(*) FROM daftar.schema_migrations WHERE scope = 'dept:%s'" % d).stdout) > 10
    for d in (w["m1"], w["m2"]):
        assert cdb.psql("SELECT cluster FROM daftar.departments WHERE code = '%s'" % d).stdout.strip() == "main"
        assert cdb.psql_b("SELECT count(*) FROM pg_namespace WHERE nspname = 'dept_%s'" % d).stdout.strip() == "0"
    out = cdb.cli("dept", "list").stdout
    assert any(w["b1"] in line and " b " in line for line in out.splitlines()), out


def test_requests_are_routed_to_the_department_cluster(cdb, w):
    with client(w) as c:
        made = {w[k]: create_file(c, w, w[k], "Routed to the cluster of " + w[k]) for k in ("m1", "b1", "b2")}
        for d, f in made.items():
            r = c.get("/v1/departments/%s/files/%s" % (d, f["id"]),
                      headers=bearer(tokens(c, w["people"][d])["access_token"]))
            assert r.status_code == 200, r.text
    for d in (w["b1"], w["b2"]):
        q = "SELECT count(*) FROM dept_%s.files WHERE subject = 'Routed to the cluster of %s'" % (d, d)
        assert cdb.psql_b(q).stdout.strip() == "1"
    q = "SELECT count(*) FROM dept_%s.files WHERE subject = 'Routed to the cluster of %s'" % (w["m1"], w["m1"])
    assert cdb.psql(q).stdout.strip() == "1"
    assert cdb.psql_b("SELECT count(*) FROM pg_namespace WHERE nspname = 'dept_%s'" % w["m1"]).stdout.strip() == "0"


def test_migrate_brings_departments_on_both_clusters_up_and_stays_ready(cdb, w):
    out = cdb.cli("migrate").stdout
    assert "migrations are current" in out
    r = client(w).get("/readyz")
    assert r.status_code == 200, r.text


@pytest.mark.parametrize("where", ["main", "b"])
def test_isolation_holds_on_each_cluster(cdb, w, where):
    a, b = (w["m1"], w["m2"]) if where == "main" else (w["b1"], w["b2"])
    run = cdb.psql if where == "main" else cdb.psql_b
    p = run("BEGIN; SET LOCAL ROLE dept_%s; SELECT * FROM dept_%s.files;" % (a, b), user="daftar_api", check=False)
    assert p.returncode != 0 and "permission denied" in p.stderr, (where, p.stdout, p.stderr)
    p = run("BEGIN; SET LOCAL ROLE dept_%s; SELECT code FROM dept_%s.profile;" % (b, b), user="daftar_api")
    assert p.stdout.strip() == b
    # the API role alone reaches no department's tables, and cannot become a department of the other cluster
    p = run("SELECT * FROM dept_%s.profile" % a, user="daftar_api", check=False)
    assert p.returncode != 0 and "permission denied" in p.stderr
    other = w["b1"] if where == "main" else w["m1"]
    p = run("SET ROLE dept_%s" % other, user="daftar_api", check=False)
    assert p.returncode != 0, (where, p.stdout)
    # each role sees only its own department's key row, on its cluster's catalog copy too
    key = run("BEGIN; SET LOCAL ROLE dept_%s; SELECT code FROM daftar.dept_key;" % a, user="daftar_api")
    assert key.stdout.split() == [a]


def test_api_of_one_cluster_department_refuses_another_departments_officer(cdb, w):
    with client(w) as c:
        tok = tokens(c, w["people"][w["m1"]])["access_token"]
        r = c.get("/v1/departments/%s/files" % w["b1"], headers=bearer(tok))
        assert r.status_code == 403, r.text


def test_move_under_read_load(cdb, w, tmp_path):
    """`daftar dept move` from main to b while a thread reads the department's lists all along and
    another keeps creating files: no read fails, writes in the window get 503 department-moving with
    Retry-After (Hindi too), every file created before or after the window is on b afterwards, the
    source is kept read-only for the department's role."""
    import threading
    import time
    d = cdb.add_dept("mv")
    uid = Officers(cdb, str(tmp_path)).add(d, "officer")[0]
    with client(w) as c:
        tok = bearer(tokens(c, uid)["access_token"])
        url = "/v1/departments/%s/files" % d
        for i in range(20):
            assert c.post(url, headers=tok, json={"subject": "Before the move %d" % i, "section": "GEN"}).status_code == 201
    stop = threading.Event()
    reads = {"ok": 0, "failed": []}
    writes = {"created": [], "refused": [], "other": []}

    def reader():
        with client(w) as rc:
            while not stop.is_set():
                r = rc.get(url, headers=tok)
                if r.status_code == 200:
                    reads["ok"] += 1
                else:
                    reads["failed"].append((r.status_code, r.text[:200]))
                time.sleep(0.005)

    def writer():
        n = 0
        with client(w) as wc:
            while not stop.is_set():
                n += 1
                hi = n % 2 == 0
                r = wc.post(url, headers=dict(tok, **({"Accept-Language": "hi"} if hi else {})),
                            json={"subject": "During the move %d" % n, "section": "GEN"})
                if r.status_code == 201:
                    writes["created"].append(r.json()["subject"])
                elif r.status_code == 503:
                    writes["refused"].append((hi, r.headers.get("retry-after"), r.json()))
                else:
                    writes["other"].append((r.status_code, r.text[:200]))
                time.sleep(0.02)

    threads = [threading.Thread(target=reader), threading.Thread(target=writer)]
    for t in threads:
        t.start()
    time.sleep(0.5)
    started = time.monotonic()
    env = {k: v for k, v in os.environ.items() if not k.startswith("DAFTAR_")}
    env.update(w["env"])  # the server's, with its master key: the move verifies the audit chains
    p = subprocess.run([BIN, "dept", "move", d, "--to", "b"], env=env, capture_output=True, text=True, timeout=120)
    out = p.stdout + p.stderr
    took = time.monotonic() - started
    time.sleep(1.0)
    stop.set()
    for t in threads:
        t.join()
    print("\nmove:", out.strip().replace("\n", " | "), "| command %.2f s" % took)
    print("reads ok %d failed %d; writes created %d refused %d other %d" % (
        reads["ok"], len(reads["failed"]), len(writes["created"]), len(writes["refused"]), len(writes["other"])))
    assert "moved department %s from main to b" % d in out, out
    assert reads["failed"] == [] and reads["ok"] > 20, reads
    assert writes["other"] == [], writes["other"]
    assert writes["refused"], "no write fell in the read-only window"
    for hi, retry, body in writes["refused"]:
        assert body["type"] == "urn:daftar:problem:department-moving", body
        assert retry is not None and int(retry) >= 1
        assert ("विभाग" in body["detail"]) == hi, body
    # no lost rows: everything acknowledged is on b; the registry says b; main keeps the old copy, read-only
    assert cdb.psql("SELECT cluster, moving_to IS NULL FROM daftar.departments WHERE code = '%s'" % d).stdout.strip() == "b|t"
    on_b = cdb.psql_b("SELECT subject FROM dept_%s.files" % d).stdout.split("\n")
    for s in ["Before the move %d" % i for i in range(20)] + writes["created"]:
        assert s in on_b, s
    assert int(cdb.psql_b("SELECT count(*) FROM dept_%s.files" % d).stdout) == 20 + len(writes["created"])
    p = cdb.psql("BEGIN; SET LOCAL ROLE dept_%s; INSERT INTO dept_%s.profile (code, name) VALUES ('x', 'y');" % (d, d),
                 user="daftar_api", check=False)
    assert p.returncode != 0 and "permission denied" in p.stderr, p.stderr
    # after the switch: written on b, through the same servers
    with client(w) as c:
        r = c.post(url, headers=tok, json={"subject": "After the move", "section": "GEN"})
        assert r.status_code == 201, r.text
    assert cdb.psql_b("SELECT count(*) FROM dept_%s.files WHERE subject = 'After the move'" % d).stdout.strip() == "1"
    # isolation on b holds for the moved department
    p = cdb.psql_b("BEGIN; SET LOCAL ROLE dept_%s; SELECT * FROM dept_%s.files;" % (w["b1"], d), user="daftar_api",
                   check=False)
    assert p.returncode != 0 and "permission denied" in p.stderr
    # its audit chains verify on b as they did on main (the command verified them on arrival too)
    assert "audit chains verified" in out
