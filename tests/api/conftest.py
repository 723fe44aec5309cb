"""Fixtures for the API tests: the real daftar binary over real HTTP.

Each test module gets servers started from the build the test command made
(DAFTAR_BIN), on free loopback ports, with a throwaway TLS certificate.
Clients: httpx over HTTP/1.1, h2c with prior knowledge, and TLS with ALPN h2.
"""
import datetime
import fcntl
import json
import os
import signal
import socket
import subprocess
import tempfile
import time

import random
import string

import httpx
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("DAFTAR_BIN", os.path.join(ROOT, "build", "daftar"))
PGDIR = os.environ.get("DAFTAR_TEST_PGDIR", os.path.join(ROOT, ".pg", "test"))
PGHOST = os.environ.get("DAFTAR_TEST_PGHOST", os.path.join(PGDIR, "sock"))
PGPORT = os.environ.get("DAFTAR_TEST_PGPORT", "55433")


def office_today():
    """The date in the offices' time zone (IST), as the server's SQL takes it: (now() AT TIME ZONE
    'Asia/Kolkata')::date. From 18:30 UTC the machine's own date is a day behind it."""
    return (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=5, minutes=30)).date()


def suffix(n=6):
    return "".join(random.choice(string.ascii_lowercase) for _ in range(n))


TEMPLATE = "t_template"  # the cluster's migrated template database, made once by whichever worker needs it first


def _template():
    """Makes the template database unless the cluster has it: one `daftar migrate`, under a file lock, so the
    pytest-xdist workers sharing the cluster make it once (and never run migrate's CREATE ROLEs side by side)."""
    with open(os.path.join(PGDIR, "template.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not Database.exists(TEMPLATE):  # migrated under another name first: a failed migrate is no template
            made = Database(fresh=True, name=TEMPLATE + "_" + suffix())
            made.psql("ALTER DATABASE %s RENAME TO %s" % (made.name, TEMPLATE), db="postgres")


class Database:
    """A database of its own in the test cluster, migrated, for one test module.

    Roles are cluster-wide, so department codes carry a random suffix (see code()). The first Database() of a
    run is migrated by `daftar migrate` and kept as a template; the others are copies of it (CREATE DATABASE
    ... TEMPLATE: half a second, against a migrate's two to five under load), the same bytes a migrate
    writes. fresh=True migrates a database of its own (test_migrations: what a migrate does is the test).
    """

    def __init__(self, fresh=False, name=None):
        self.name = name or "t_" + suffix(10)
        self.admin_dsn = "host=%s port=%s user=daftar_owner dbname=%s" % (PGHOST, PGPORT, self.name)
        self.api_dsn = "host=%s port=%s user=daftar_api dbname=%s" % (PGHOST, PGPORT, self.name)
        if not fresh:
            _template()
            self.psql("CREATE DATABASE %s TEMPLATE %s OWNER daftar_owner" % (self.name, TEMPLATE), db="postgres")
            return
        # Migrations run as an owner that is not a superuser: CREATEROLE and the database's owner.
        self.psql("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'daftar_owner') THEN "
                  "CREATE ROLE daftar_owner LOGIN CREATEROLE; END IF; END $$", db="postgres")
        self.psql("CREATE DATABASE %s OWNER daftar_owner" % self.name, db="postgres")
        self.cli("migrate")

    def env(self):
        return {"DAFTAR_DB_DSN": self.api_dsn, "DAFTAR_DB_ADMIN_DSN": self.admin_dsn,
                "DAFTAR_PASSWORD_SCRYPT_LOG_N": SCRYPT_LOG_N}

    def cli(self, *args, check=True):
        env = {k: v for k, v in os.environ.items() if not k.startswith("DAFTAR_")}
        env.update(self.env())
        p = subprocess.run([BIN] + list(args), env=env, capture_output=True, text=True, timeout=60)
        if check and p.returncode != 0:
            raise AssertionError("daftar %s failed (%d): %s %s" % (" ".join(args), p.returncode, p.stdout, p.stderr))
        return p

    @staticmethod
    def exists(name):
        p = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", PGHOST, "-p", PGPORT,
                            "-U", "postgres", "-d", "postgres", "-c", "SELECT 1 FROM pg_database WHERE datname = '%s'" % name],
                           capture_output=True, text=True, timeout=60, check=True)
        return p.stdout.strip() == "1"

    def psql(self, sql, user="postgres", db=None, check=True):
        p = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", PGHOST, "-p", PGPORT,
                            "-U", user, "-d", db or self.name, "-c", sql], capture_output=True, text=True, timeout=60)
        if check and p.returncode != 0:
            raise AssertionError("psql failed: %s" % p.stderr)
        return p

    def add_dept(self, prefix, name=None, name_hi=None):
        code = "%s_%s" % (prefix, suffix())
        args = ["dept", "add", code, "--name", name or prefix.title()]
        if name_hi:
            args += ["--name-hi", name_hi]
        self.cli(*args)
        return code

    def add_depts(self, prefixes_names, at_once=4):
        """Several departments, `at_once` `dept add` processes at a time (they take the migration lock shared)."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("DAFTAR_")}
        env.update(self.env())
        codes = ["%s_%s" % (prefix, suffix()) for prefix, _ in prefixes_names]
        jobs = [(code, name) for code, (_, name) in zip(codes, prefixes_names)]
        for i in range(0, len(jobs), at_once):
            procs = [subprocess.Popen([BIN, "dept", "add", code, "--name", name], env=env, stdout=subprocess.PIPE,
                                      stderr=subprocess.STDOUT, text=True) for code, name in jobs[i:i + at_once]]
            outs = [p.communicate(timeout=120)[0] for p in procs]
            if any(p.returncode != 0 for p in procs):
                raise AssertionError("daftar dept add failed: %s" % outs)
        return codes

    def drop(self):
        self.psql("DROP DATABASE IF EXISTS %s WITH (FORCE)" % self.name, db="postgres", check=False)


def keyed_env(db, **extra):
    """Server environment with a fresh master key and a signing key that signs now."""
    env = dict(db.env(), DAFTAR_MASTER_KEY=os.urandom(32).hex(), **extra)
    subprocess.run([BIN, "keys", "rotate", "--publish-ahead", "0"], env=dict(os.environ, **env), check=True,
                   capture_output=True, timeout=60)
    return env


def pg_ctl(action):
    subprocess.run([os.path.join(ROOT, "deploy", "pg.sh"), action, PGDIR, PGPORT], check=True, capture_output=True,
                   timeout=120)


@pytest.fixture(scope="module")
def db():
    d = Database()
    yield d
    d.drop()


LOGDIR = tempfile.mkdtemp(prefix="daftar-test-logs-")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def tls_files():
    d = tempfile.mkdtemp(prefix="daftar-tls-")
    key, cert = os.path.join(d, "key.pem"), os.path.join(d, "cert.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
                   check=True, capture_output=True)
    return cert, key


SCRYPT_LOG_N = "14"  # the suite hashes hundreds of passwords: the cheapest cost daftar accepts (test_sec_login checks 17)


class Server:
    """A running `daftar serve`; logs go to a file read by log_lines(). /metrics is on a listener
    of its own (metrics_url), never on the API's (url, tls_url)."""

    def __init__(self, env_extra=None, tls=None, threads=2):
        # A port free_port() found may be taken before daftar binds it (an outgoing connection's ephemeral
        # port, another server of a suite running beside this one): start again on new ports, twice at most.
        for attempt in range(3):
            try:
                return self.start(env_extra, tls, threads)
            except RuntimeError as e:
                if attempt == 2 or "another process listens there" not in str(e):
                    raise

    def start(self, env_extra, tls, threads):
        self.port = free_port()
        self.tls_port = free_port() if tls else None
        self.metrics_port = free_port()
        self.log_path = os.path.join(LOGDIR, "daftar-%d.log" % self.port)
        env = {k: v for k, v in os.environ.items() if not k.startswith("DAFTAR_")}
        env.update({"DAFTAR_LISTEN": "127.0.0.1:%d" % self.port, "DAFTAR_THREADS": str(threads),
                    "DAFTAR_PASSWORD_SCRYPT_LOG_N": SCRYPT_LOG_N,
                    "DAFTAR_METRICS_LISTEN": "127.0.0.1:%d" % self.metrics_port})
        if tls:
            env.update({"DAFTAR_TLS_LISTEN": "127.0.0.1:%d" % self.tls_port,
                        "DAFTAR_TLS_CERT": tls[0], "DAFTAR_TLS_KEY": tls[1]})
        env.update(env_extra or {})
        self.env = env
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen([BIN, "serve"], env=env, stdout=self.log, stderr=subprocess.STDOUT)
        self.url = "http://127.0.0.1:%d" % self.port
        self.tls_url = "https://127.0.0.1:%d" % self.tls_port if tls else None
        self.metrics_url = "http://127.0.0.1:%d" % self.metrics_port
        self.wait_up()

    def wait_up(self, timeout=10.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("daftar exited with %s:\n%s" % (self.proc.returncode, self.logs()))
            try:
                if httpx.get(self.url + "/healthz", timeout=0.5).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
        raise RuntimeError("daftar did not come up:\n" + self.logs())

    def wait_ready(self, timeout=10.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            r = httpx.get(self.url + "/readyz", timeout=1)
            if r.status_code == 200:
                return
            time.sleep(0.05)
        raise RuntimeError("daftar not ready: %s\n%s" % (r.text, self.logs()))

    def logs(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def log_lines(self):
        return [json.loads(line) for line in self.logs().splitlines() if line.startswith("{")]

    def access_lines(self, request_id, timeout=5.0):
        """The access log lines of a request: written once its response is sent, so a client may
        read the log before they are there; waits up to timeout for at least one."""
        deadline = time.monotonic() + timeout
        while True:
            lines = [l for l in self.log_lines() if l.get("event") == "access" and l.get("request_id") == request_id]
            if lines or time.monotonic() > deadline:
                return lines
            time.sleep(0.05)

    def signal(self, sig=signal.SIGTERM):
        self.proc.send_signal(sig)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        text = self.logs()
        for mark in ("ERROR: AddressSanitizer", "runtime error:", "ERROR: LeakSanitizer"):
            assert mark not in text, "sanitizer report in the server log:\n" + text[text.index(mark) - 200:][:4000]


@pytest.fixture(scope="module")
def server(tls_files):
    s = Server(tls=tls_files)
    yield s
    s.stop()


@pytest.fixture
def h1(server):
    with httpx.Client(base_url=server.url, http1=True, http2=False, timeout=10) as c:
        yield c


@pytest.fixture
def h2c(server):
    with httpx.Client(base_url=server.url, http1=False, http2=True, timeout=10) as c:
        yield c


@pytest.fixture
def h2tls(server, tls_files):
    with httpx.Client(base_url=server.tls_url, http2=True, verify=tls_files[0], timeout=10) as c:
        yield c


def assert_problem(resp, status, type_slug=None):
    """The response is an RFC 9457 problem with our required members."""
    assert resp.status_code == status, resp.text
    assert resp.headers["content-type"] == "application/problem+json"
    body = resp.json()
    assert body["status"] == status
    assert body["type"].startswith("urn:daftar:problem:")
    if type_slug:
        assert body["type"] == "urn:daftar:problem:" + type_slug
    assert body["title"]
    assert body["request_id"] == resp.headers["x-request-id"]
    return body
