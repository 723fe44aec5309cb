"""Crashes under write load lose no acknowledged write and leave nothing half-applied.

Four writer threads open files (with Idempotency-Key), write a draft note and
forward the file (which makes the note final and extends its hash chain),
recording every 2xx. Mid-load PostgreSQL's postmaster, or daftar itself, gets
kill -9 and is restarted. Afterwards: every acknowledged write is there, each
unacknowledged create retried with its key yields exactly one file, every
file's track matches its version, every notesheet and the department's audit
chain verify, and daftar recovered by itself (database case) or on restart.
"""
import collections
import threading
import time
import uuid

import httpx
import pytest

from conftest import Server, keyed_env, pg_ctl
from test_auth import Officers, bearer, tokens

WRITERS = 4


@pytest.fixture(scope="module")
def world(db, tmp_path_factory):
    env = keyed_env(db)
    dept = db.add_dept("crs")
    off = Officers(db, str(tmp_path_factory.mktemp("pw")))
    return {"db": db, "env": env, "dept": dept, "alice": off.add(dept, "officer")[0], "bob": off.add(dept, "officer")[0]}


class Load:
    """Writers that record what the server acknowledged."""

    def __init__(self, url, dept, alice_token, bob_uid):
        self.url, self.files_url = url, "/v1/departments/%s/files" % dept
        self.auth, self.bob = bearer(alice_token), bob_uid
        self.lock = threading.Lock()
        self.acked_files, self.acked_notes, self.acked_moves, self.unacked_keys = {}, [], [], {}
        self.outcomes = []  # (monotonic time, what a failed request got): shown when recovery is late
        self.stop = threading.Event()
        self.tag = uuid.uuid4().hex[:8]  # subjects of this load only
        self.threads = [threading.Thread(target=self.write, args=(i,), daemon=True) for i in range(WRITERS)]

    def start(self):
        for t in self.threads:
            t.start()

    def finish(self):
        self.stop.set()
        for t in self.threads:
            t.join(60)

    def write(self, i):
        n = 0
        while not self.stop.is_set():
            n += 1
            key = "crash-%d-%d-%s" % (i, n, uuid.uuid4().hex[:8])
            body = {"subject": "Load %s %d/%d" % (self.tag, i, n), "section": "LOAD"}
            try:
                with httpx.Client(base_url=self.url, timeout=10) as c:
                    r = c.post(self.files_url, headers=dict(self.auth, **{"Idempotency-Key": key}), json=body)
                    if r.status_code != 201:
                        raise RuntimeError(r.status_code)
                    f = r.json()
                    with self.lock:
                        self.acked_files[f["id"]] = key
                    note = "Note %s: मसौदा अनुमोदन हेतु" % key
                    r = c.post(self.files_url + "/%s/notes" % f["id"], headers=self.auth, json={"body": note})
                    if r.status_code != 201:
                        raise RuntimeError(r.status_code)
                    with self.lock:
                        self.acked_notes.append((f["id"], r.json()["n"], note))
                    r = c.post(self.files_url + "/%s/movements" % f["id"], json={"action": "forward", "to": self.bob},
                               headers=dict(self.auth, **{"If-Match": '"%d"' % f["version"]}))
                    if r.status_code != 201:
                        raise RuntimeError(r.status_code)
                    with self.lock:
                        self.acked_moves.append((f["id"], r.json()["version"]))
            except (httpx.HTTPError, RuntimeError) as e:
                with self.lock:
                    self.outcomes.append((time.monotonic(), type(e).__name__ + " " + str(e)[:60]))
                    if key not in self.acked_files.values():
                        self.unacked_keys[key] = body
                time.sleep(0.05)


def patient(fn, *args, **kw):
    """A client that honours 503 + Retry-After, as a real one would, for up to 15 s."""
    t0 = time.monotonic()
    while True:
        r = fn(*args, **kw)
        if r.status_code != 503 or time.monotonic() - t0 > 15:
            return r
        time.sleep(min(float(r.headers.get("retry-after", "1")), 1.0))


def check_everything(world, s, load):
    db, dept = world["db"], world["dept"]
    with httpx.Client(base_url=s.url, timeout=20) as c:
        # unacknowledged creates: retrying with the same key gives exactly one file each
        for key, body in load.unacked_keys.items():
            r = patient(c.post, load.files_url, headers=dict(load.auth, **{"Idempotency-Key": key}), json=body)
            assert r.status_code == 201, r.text
        rows = db.psql("SELECT count(*), count(DISTINCT subject) FROM dept_%s.files WHERE subject LIKE 'Load %s %%'"
                       % (dept, load.tag))
        total, distinct = map(int, rows.stdout.strip().split("|"))
        assert total == distinct == len(load.acked_files) + len(load.unacked_keys), (total, distinct)
        for fid in load.acked_files:
            assert patient(c.get, load.files_url + "/" + fid, headers=load.auth).status_code == 200, fid
        for fid, n, note in load.acked_notes:
            notes = patient(c.get, load.files_url + "/%s/notes" % fid, headers=load.auth).json()["items"]
            assert any(x["n"] == n and x["body"] == note for x in notes), (fid, n)
        for fid, version in load.acked_moves:
            f = patient(c.get, load.files_url + "/" + fid, headers=load.auth).json()
            assert f["version"] >= version and f["holder"] == load.bob
            v = patient(c.get, load.files_url + "/%s/notes/verify" % fid, headers=load.auth).json()
            assert v["ok"] is True and v["checked"] >= 1, v
    # nothing half-applied: every file's track has one movement per version, and a create audit event
    bad = db.psql("SELECT count(*) FROM dept_{d}.files f WHERE f.version <> (SELECT count(*) FROM dept_{d}.movements m "
                  "WHERE m.file_id = f.id) OR NOT EXISTS (SELECT FROM dept_{d}.audit_events a WHERE a.object_id = f.id "
                  "AND a.action = 'file.create')".format(d=dept)).stdout.strip()
    assert bad == "0"
    # the audit chain: each event links to the previous one and its hash is right
    broken = db.psql("""
        SELECT count(*) FROM (
          SELECT seq, hash, prev_hash, lag(hash, 1, repeat('0', 64)) OVER (ORDER BY seq) AS want_prev,
                 encode(sha256(convert_to(prev_hash || concat_ws('|', seq,
                     to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), uid, action,
                     coalesce(object_id::text, ''), client, request_id, detail::text), 'UTF8')), 'hex') AS want_hash,
                 seq - lag(seq, 1, 0::bigint) OVER (ORDER BY seq) AS step
          FROM dept_%s.audit_events) x
        WHERE prev_hash <> want_prev OR hash <> want_hash OR step <> 1""" % dept).stdout.strip()
    assert broken == "0", "the audit chain does not verify"


def run_load_around(world, s, crash, restart):
    with httpx.Client(base_url=s.url, timeout=20) as c:
        token = tokens(c, world["alice"])["access_token"]
    load = Load(s.url, world["dept"], token, world["bob"])
    load.start()
    try:
        time.sleep(2)
        before = len(load.acked_files)
        crash()
        time.sleep(1)
        s = restart() or s
        load.url = s.url
        t0 = time.monotonic()
        while len(load.acked_files) <= before + 4:  # writes succeed again
            if time.monotonic() - t0 > 60:
                with load.lock:
                    seen = collections.Counter(what for at, what in load.outcomes if at >= t0)
                events = [x for x in s.log_lines() if x.get("event") != "access"][-40:]
                pytest.fail("no write succeeded within 60 s of the restart; the writers got %s; daftar logged:\n%s"
                            % (dict(seen), "\n".join("%s %s %s" % (x["ts"], x["event"], x["msg"]) for x in events)))
            time.sleep(0.2)
    finally:
        load.finish()
    assert before > 0 and load.acked_moves
    return s, load


def test_postgres_kill9_under_write_load(world):
    s = Server(env_extra=world["env"])
    try:
        s.wait_ready()
        s, load = run_load_around(world, s, lambda: pg_ctl("kill9"), lambda: pg_ctl("start"))
        assert s.proc.poll() is None  # daftar itself never went down
        # the server's FATAL at the crash reached no log raw (libpq prints notices on stderr by default)
        assert [x for x in s.logs().splitlines() if not x.startswith("{")] == []
        check_everything(world, s, load)
    finally:
        pg_ctl("start")
        s.stop()


def test_daftar_kill9_under_write_load(world):
    s = Server(env_extra=world["env"])
    servers = [s]

    def restart():
        # same ports are not needed: the writers follow load.url
        n = Server(env_extra=world["env"])
        n.wait_ready()
        servers.append(n)
        return n
    try:
        s.wait_ready()
        s, load = run_load_around(world, s, lambda: servers[0].proc.kill(), restart)
        assert servers[0].proc.wait(10) == -9
        check_everything(world, s, load)
    finally:
        for x in servers:
            x.stop()
