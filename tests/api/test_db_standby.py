"""A primary and a hot standby: multi-host connection strings and the degraded read-only mode.

The standby is made here from the test cluster (deploy/pg.sh standby: pg_basebackup, streaming).
daftar's db_dsn names both hosts, the standby first, with target_session_attrs=read-write, so
libpq has to move past the standby to the primary on every connection; db_standby_dsn names the
standby. With the primary stopped, reads are served by the standby and say so (`Daftar-Mode:
read-only`), changes get 503 read-only with Retry-After (English and Hindi), /readyz says
read-only; with the primary back everything is as before; with the standby promoted, writes go to
it under the same settings (a failover needs no change of settings).
"""
import os
import shutil
import socket
import subprocess
import time
import uuid

import httpx
import pytest

from conftest import PGDIR, PGHOST, PGPORT, ROOT, Server, assert_problem, free_port, keyed_env, pg_ctl
from test_auth import Officers, bearer, tokens

SDIR = PGDIR + "-standby"
SHOST = os.path.join(SDIR, "sock")


def standby_ctl(*args):
    return subprocess.run([os.path.join(ROOT, "deploy", "pg.sh"), args[0], SDIR] + list(args[1:]), check=True,
                          capture_output=True, text=True, timeout=180)


@pytest.fixture(scope="module")
def world(db, tmp_path_factory):
    env = keyed_env(db)
    dept = db.add_dept("ro")
    off = Officers(db, str(tmp_path_factory.mktemp("pw")))
    alice = off.add(dept, "officer")[0]
    subprocess.run([os.path.join(ROOT, "deploy", "pg.sh"), "stop", SDIR], capture_output=True, timeout=120)
    shutil.rmtree(SDIR, ignore_errors=True)
    sport = str(free_port())
    standby_ctl("standby", sport, PGDIR, PGPORT)
    env = dict(env,
               DAFTAR_DB_DSN="host=%s,%s port=%s,%s user=daftar_api dbname=%s target_session_attrs=read-write"
               % (SHOST, PGHOST, sport, PGPORT, db.name),
               DAFTAR_DB_STANDBY_DSN="host=%s port=%s user=daftar_api dbname=%s" % (SHOST, sport, db.name))
    yield {"db": db, "env": env, "dept": dept, "alice": alice, "sport": sport}
    pg_ctl("start")
    subprocess.run([os.path.join(ROOT, "deploy", "pg.sh"), "stop", SDIR], capture_output=True, timeout=120)
    shutil.rmtree(SDIR, ignore_errors=True)


@pytest.fixture(scope="module")
def api(world):
    s = Server(env_extra=world["env"], threads=1)
    s.wait_ready()
    yield s
    s.stop()


def on_standby(world, sql):
    return subprocess.run(["psql", "-X", "-q", "-A", "-t", "-h", SHOST, "-p", world["sport"], "-U", "postgres", "-d",
                           world["db"].name, "-c", sql], capture_output=True, text=True, timeout=30).stdout.strip()


def new_file(c, world, auth):
    return c.post("/v1/departments/%s/files" % world["dept"], json={"subject": "फ़ाइल " + uuid.uuid4().hex[:6],
                  "section": "HA"}, headers=dict(auth, **{"Idempotency-Key": uuid.uuid4().hex}))


def until(fn, what, timeout=15.0):
    t0 = time.monotonic()
    while True:
        got = fn()
        if got:
            return got
        assert time.monotonic() - t0 < timeout, what
        time.sleep(0.1)


def test_a_host_that_never_answers_is_passed_over(db):
    """A machine gone (no reset, no answer) listed first: an attempt that meets it times out
    (db_connect_timeout_ms) and the next one starts at the next host."""
    hole = socket.socket()
    hole.bind(("127.0.0.1", 0))
    hole.listen(16)  # takes connections into its backlog and never answers them
    env = dict(db.env(), DAFTAR_DB_CONNECT_TIMEOUT_MS="500", DAFTAR_TIMERS="off", DAFTAR_WEBHOOKS="off",
               DAFTAR_DB_DSN="host=127.0.0.1,%s port=%d,%s user=daftar_api dbname=%s target_session_attrs=read-write"
               % (PGHOST, hole.getsockname()[1], PGPORT, db.name))
    s = Server(env_extra=env, threads=1)
    try:
        s.wait_ready(timeout=10)
    finally:
        s.stop()
        hole.close()


def test_primary_named_after_a_standby_is_found(api, world):
    """Every connection of db_dsn meets the standby first (libpq moves on to the next host on a
    new socket): the server is ready and takes a change."""
    with httpx.Client(base_url=api.url, timeout=10) as c:
        auth = bearer(tokens(c, world["alice"])["access_token"])
        r = new_file(c, world, auth)
        assert r.status_code == 201, r.text
        assert "daftar-mode" not in r.headers
        ready = c.get("/readyz").json()
        assert ready["status"] == "ready" and ready["mode"] == "read-write", ready


def test_no_primary_reads_from_the_standby_and_refuses_changes(api, world):
    dept = world["dept"]
    with httpx.Client(base_url=api.url, timeout=10) as c:
        auth = bearer(tokens(c, world["alice"])["access_token"])
        fid = new_file(c, world, auth).json()["id"]
        until(lambda: on_standby(world, "SELECT count(*) FROM dept_%s.files WHERE id = '%s'" % (dept, fid)) == "1",
              "the standby never replayed the new file")
        pg_ctl("stop")
        try:
            r = until(lambda: (lambda r: r if r.headers.get("daftar-mode") == "read-only" else None)(
                c.get("/v1/departments/%s/files/%s" % (dept, fid), headers=auth)),
                "reads never went to the standby", timeout=10)
            assert r.status_code == 200 and r.json()["id"] == fid, r.text
            assert c.get("/v1/me", headers=auth).status_code == 200  # the catalog too
            ready = c.get("/readyz")
            assert ready.status_code == 200 and ready.json()["mode"] == "read-only", ready.text
            assert ready.headers["daftar-mode"] == "read-only"
            # a change: refused at once, said in English and in Hindi
            t0 = time.monotonic()
            r = new_file(c, world, auth)
            assert time.monotonic() - t0 < 2
            body = assert_problem(r, 503, "read-only")
            assert int(r.headers["retry-after"]) >= 1 and r.headers["daftar-mode"] == "read-only"
            assert "read-only" in body["detail"], body
            r = c.post("/v1/departments/%s/files/%s/notes" % (dept, fid), json={"body": "टिप्पणी"},
                       headers=dict(auth, **{"Accept-Language": "hi"}))
            body = assert_problem(r, 503, "read-only")
            assert "केवल पढ़ने" in body["detail"], body
            assert r.json()["title"] == "सेवा अस्थायी रूप से उपलब्ध नहीं है"
            # sign-in writes a session: refused the same way, not a 500
            r = c.post("/v1/auth/token", json={"grant_type": "password", "uid": world["alice"],
                                               "password": "correct horse battery staple"})
            assert_problem(r, 503, "read-only")
        finally:
            pg_ctl("start")
        r = until(lambda: (lambda r: r if r.status_code == 201 else None)(new_file(c, world, auth)),
                  "changes never came back with the primary")
        assert "daftar-mode" not in r.headers
        assert c.get("/readyz").json()["mode"] == "read-write"
        assert api.proc.poll() is None


def test_failover_to_the_promoted_standby_needs_no_settings_change(api, world):
    """Last in this file: the standby becomes the primary; the test cluster comes back afterwards
    without what was written here (the module's database is dropped anyway)."""
    dept = world["dept"]
    with httpx.Client(base_url=api.url, timeout=10) as c:
        auth = bearer(tokens(c, world["alice"])["access_token"])
        pg_ctl("kill9")
        try:
            standby_ctl("promote")
            t0 = time.monotonic()
            r = until(lambda: (lambda r: r if r.status_code == 201 else None)(new_file(c, world, auth)),
                      "writes never went to the promoted standby")
            elapsed = time.monotonic() - t0
            fid = r.json()["id"]
            assert on_standby(world, "SELECT count(*) FROM dept_%s.files WHERE id = '%s'" % (dept, fid)) == "1"
            assert c.get("/readyz").json()["mode"] == "read-write"
            assert elapsed < 10, elapsed
        finally:
            subprocess.run([os.path.join(ROOT, "deploy", "pg.sh"), "stop", SDIR], capture_output=True, timeout=120)
            pg_ctl("start")
