"""The layout deploy/ha/up started (.ha/): its ports, a load that records what was acknowledged."""
import json
import os
import subprocess
import threading
import time
import uuid

import httpx
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HA = os.environ.get("HA_DIR", os.path.join(ROOT, ".ha"))
B = int(os.environ.get("HA_BASE", "55840"))
PROXY = "http://127.0.0.1:%d" % (B + 10)
BIN = os.environ.get("DAFTAR_BIN", os.path.join(ROOT, "build", "daftar"))
PASSWORD = "correct horse battery staple"
TIMEOUT = 10.0  # the clients' timeout: statement_timeout 5 s + db_wait 2 s, with room


def env():
    e = {k: v for k, v in os.environ.items() if not k.startswith("DAFTAR_")}
    with open(os.path.join(HA, "daftar", "env")) as f:
        for line in f:
            k, v = line.strip().split("=", 1)
            e[k] = v.strip('"')
    with open(os.path.join(HA, "daftar", "master.key")) as f:
        e["DAFTAR_MASTER_KEY"] = f.read().strip()
    return e


def cli(*args):
    p = subprocess.run([BIN] + list(args), env=env(), capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stdout + p.stderr
    return p.stdout


def leader():
    """The node number Patroni says is primary, or None."""
    for n in (1, 2):
        try:
            if httpx.get("http://127.0.0.1:%d/primary" % (B + 2 + n), timeout=1).status_code == 200:
                return n
        except httpx.HTTPError:
            pass
    return None


def psql(sql, n=None, db="daftar"):
    n = n or leader()
    p = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", str(B + n),
                        "-U", "postgres", "-d", db, "-c", sql], capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    return p.stdout.strip()


def wait(fn, what, timeout):
    t0 = time.monotonic()
    while not fn():
        assert time.monotonic() - t0 < timeout, what
        time.sleep(0.2)
    return time.monotonic() - t0


def healthy():
    """A primary and a synchronous standby again (after a drill)."""
    def ok():
        try:
            return leader() is not None and any(
                httpx.get("http://127.0.0.1:%d/sync" % (B + 2 + n), timeout=1).status_code == 200 for n in (1, 2))
        except httpx.HTTPError:
            return False
    return wait(ok, "the cluster never had a primary and a synchronous standby again", 120)


FIGURES = {}


def figure(name, value):
    FIGURES[name] = value
    print("FIGURE %s = %s" % (name, value))
    with open(os.path.join(HA, "figures.json"), "w") as f:
        json.dump(dict(FIGURES, load_average=open("/proc/loadavg").read().split()[:3]), f, indent=1)


@pytest.fixture(scope="session")
def officers():
    out = {}
    for who in ("alice", "bob"):
        pw = os.path.join(HA, "daftar", "pw")
        with open(pw, "w") as f:
            f.write(PASSWORD)
        o = cli("officer", "add", "--dept", "ha", "--name", who.title(), "--role", "officer", "--designation",
                "Section Officer", "--password-file", pw)
        out[who] = o.split("uid: ")[1].split()[0]
    with httpx.Client(base_url=PROXY, timeout=TIMEOUT) as c:
        r = c.post("/v1/auth/token", json={"grant_type": "password", "uid": out["alice"], "password": PASSWORD})
        assert r.status_code == 200, r.text
        out["token"] = r.json()["access_token"]
    return out


class Load:
    """Writers (open a file with an Idempotency-Key, add a note, forward it) and readers (read a
    file back) through HAProxy, each request timed; what got 2xx is recorded."""

    def __init__(self, officers, writers=4, readers=2):
        self.auth = {"Authorization": "Bearer " + officers["token"]}
        self.bob = officers["bob"]
        self.files = "/v1/departments/ha/files"
        self.lock = threading.Lock()
        self.acked_files, self.acked_notes, self.acked_moves = {}, [], []
        self.writes = []  # (start, end, ok)
        self.reads = []  # (start, end, status or exception name)
        self.degraded = []  # (start, method, status, Retry-After) of responses with Daftar-Mode: read-only
        self.tag = uuid.uuid4().hex[:8]
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self.write, args=(i,), daemon=True) for i in range(writers)]
        self.threads += [threading.Thread(target=self.read, daemon=True) for _ in range(readers)]

    def __enter__(self):
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for t in self.threads:
            t.join(60)

    def timed(self, c, log, method, url, **kw):
        t0 = time.monotonic()
        try:
            r = c.request(method, url, **kw)
            status = r.status_code
        except httpx.HTTPError as e:
            r, status = None, type(e).__name__
        with self.lock:
            log.append((t0, time.monotonic(), status))
            if r is not None and r.headers.get("daftar-mode") == "read-only":
                self.degraded.append((t0, method, status, r.headers.get("retry-after")))
        return r

    def write(self, i):
        n = 0
        with httpx.Client(base_url=PROXY, timeout=TIMEOUT) as c:
            while not self.stop.is_set():
                n += 1
                key = "ha-%s-%d-%d" % (self.tag, i, n)
                r = self.timed(c, self.writes, "POST", self.files, headers=dict(self.auth, **{"Idempotency-Key": key}),
                               json={"subject": "HA %s %d/%d" % (self.tag, i, n), "section": "HA"})
                if r is None or r.status_code != 201:
                    time.sleep(0.2)
                    continue
                f = r.json()
                with self.lock:
                    self.acked_files[f["id"]] = key
                note = "टिप्पणी %s" % key
                r = self.timed(c, self.writes, "POST", self.files + "/%s/notes" % f["id"], headers=self.auth,
                               json={"body": note})
                if r is not None and r.status_code == 201:
                    with self.lock:
                        self.acked_notes.append((f["id"], r.json()["n"], note))
                    r = self.timed(c, self.writes, "POST", self.files + "/%s/movements" % f["id"],
                                   json={"action": "forward", "to": self.bob},
                                   headers=dict(self.auth, **{"If-Match": '"%d"' % f["version"]}))
                    if r is not None and r.status_code == 201:
                        with self.lock:
                            self.acked_moves.append((f["id"], r.json()["version"]))

    def read(self):
        with httpx.Client(base_url=PROXY, timeout=TIMEOUT) as c:
            while not self.stop.is_set():
                with self.lock:
                    ids = list(self.acked_files)
                if not ids:
                    time.sleep(0.1)
                    continue
                self.timed(c, self.reads, "GET", self.files + "/" + ids[len(self.reads) % len(ids)], headers=self.auth)
                time.sleep(0.02)

    def check_present(self):
        """Every acknowledged file, note and movement is in the database (the primary now), and
        every notesheet's chain and the department's audit chain verify."""
        ids = list(self.acked_files)
        if ids:
            got = int(psql("SELECT count(*) FROM dept_ha.files WHERE id = ANY('{%s}'::uuid[])" % ",".join(ids)))
            assert got == len(ids), "acknowledged files lost: %d of %d present" % (got, len(ids))
        # one statement each for the notes and the forwards (a psql a row took minutes)
        if self.acked_notes:
            notes = psql("SELECT file_id || ':' || n FROM dept_ha.notes WHERE file_id = ANY('{%s}'::uuid[])"
                         % ",".join(sorted({f for f, _, _ in self.acked_notes}))).split()
            lost = [(f, n) for f, n, _ in self.acked_notes if "%s:%d" % (f, n) not in set(notes)]
            assert not lost, "acknowledged notes lost: %r" % lost[:5]
        if self.acked_moves:
            rows = psql("SELECT id || ':' || version FROM dept_ha.files WHERE id = ANY('{%s}'::uuid[])"
                        % ",".join(sorted({f for f, _ in self.acked_moves}))).split()
            have = dict(r.split(":") for r in rows)
            lost = [(f, v) for f, v in self.acked_moves if int(have.get(f, -1)) < v]
            assert not lost, "acknowledged forwards lost: %r" % lost[:5]
        with httpx.Client(base_url=PROXY, timeout=TIMEOUT) as c:
            for fid, _, _ in self.acked_notes[-20:]:
                v = c.get(self.files + "/%s/notes/verify" % fid, headers=self.auth).json()
                assert v["ok"] is True, v
        out = cli("audit", "verify", "--dept", "ha")
        return len(ids), len(self.acked_notes), len(self.acked_moves), out
