"""The server survives the database going away and comes back by itself."""
import signal
import subprocess
import threading
import time

import httpx
import pytest

from conftest import PGHOST, PGPORT, Server, assert_problem, pg_ctl


def psql_session(db):
    """A superuser psql reading statements from its stdin, to hold locks while the server works."""
    return subprocess.Popen(["psql", "-X", "-q", "-A", "-t", "-h", PGHOST, "-p", PGPORT, "-U", "postgres", "-d", db.name],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def hold_lock(db, dept):
    """A session holding an exclusive lock on the department's profile until release(); returns once it is held.
    Tests sequence on what they observe (the lock held, backends waiting), not on sleeps: on a loaded machine a
    sleep of 0.3 s was sometimes too short for a thread's request to reach the server."""
    locker = psql_session(db)
    locker.stdin.write("BEGIN; LOCK TABLE dept_%s.profile IN ACCESS EXCLUSIVE MODE; SELECT 'locked';\n" % dept)
    locker.stdin.flush()
    assert locker.stdout.readline().strip() == "locked", locker.stderr.read()
    return locker


def release(locker):
    if locker.poll() is None:
        locker.stdin.write("COMMIT;\n")
        locker.stdin.close()
        locker.wait(10)


def wait_lock_waiters(db, n, timeout=15.0):
    """Until n of the server's statements wait on a lock in PostgreSQL."""
    t0 = time.monotonic()
    while True:
        got = int(db.psql("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                          "AND usename = 'daftar_api' AND wait_event_type = 'Lock'").stdout.strip())
        if got >= n:
            return
        assert time.monotonic() - t0 < timeout, "%d request(s) waiting on the lock, expected %d" % (got, n)
        time.sleep(0.05)


def wait_metric(s, line, timeout=15.0):
    t0 = time.monotonic()
    while line not in httpx.get(s.metrics_url + "/metrics", timeout=15).text:
        assert time.monotonic() - t0 < timeout, "metrics never showed %r" % line
        time.sleep(0.05)


@pytest.fixture(scope="module")
def dept(db):
    return db.add_dept("flt")


@pytest.fixture
def api(db, dept):
    s = Server(env_extra=db.env())
    s.wait_ready()
    yield s
    s.stop()


@pytest.mark.parametrize("how", ["stop", "kill9"])
def test_database_outage_gives_503_then_recovers(api, dept, how):
    with httpx.Client(base_url=api.url, http1=False, http2=True, timeout=10) as c:
        assert c.get("/v1/departments/" + dept).status_code == 200
        pg_ctl(how)
        try:
            t0 = time.monotonic()
            while True:
                r = c.get("/v1/departments/" + dept)
                if r.status_code == 503:
                    break
                assert time.monotonic() - t0 < 5, "still %d after the database went away" % r.status_code
                time.sleep(0.05)
            assert time.monotonic() - t0 < 3
            assert_problem(r, 503, "unavailable")
            assert int(r.headers["retry-after"]) >= 1
            assert "libpq" not in r.text and "server closed" not in r.text and "PostgreSQL" not in r.text
            ready = c.get("/readyz")
            assert ready.status_code == 503 and ready.json()["status"] == "not_ready"
            # the server itself keeps serving what needs no database
            assert c.get("/healthz").status_code == 200
            # a request while it is down is answered quickly, not held
            t1 = time.monotonic()
            assert c.get("/v1/departments/" + dept).status_code == 503
            assert time.monotonic() - t1 < 3
        finally:
            pg_ctl("start")
        t0 = time.monotonic()
        while c.get("/v1/departments/" + dept).status_code != 200:
            assert time.monotonic() - t0 < 10, "did not recover within 10 s of the database returning"
            time.sleep(0.1)
        assert c.get("/readyz").status_code == 200
        assert api.proc.poll() is None


def test_request_waiting_on_database_completes_before_sigterm_exit(db, api, dept):
    # Hold a lock so the request's statement waits inside PostgreSQL.
    locker = hold_lock(db, dept)
    result = {}

    def call():
        with httpx.Client(base_url=api.url, timeout=15) as c:
            result["r"] = c.get("/v1/departments/" + dept)

    t = threading.Thread(target=call)
    try:
        t.start()
        wait_lock_waiters(db, 1)
        api.signal(signal.SIGTERM)
        time.sleep(1)
        assert api.proc.poll() is None, "the server exited with a request still waiting on the database"
    finally:
        release(locker)
    t.join(15)
    assert result["r"].status_code == 200, result["r"].text
    assert result["r"].json()["code"] == dept
    assert api.proc.wait(10) == 0


def test_statement_timeout_is_503_not_a_hang(db, dept):
    s = Server(env_extra=dict(db.env(), DAFTAR_DB_STATEMENT_TIMEOUT_MS="300"))
    locker = None
    try:
        s.wait_ready()
        locker = hold_lock(db, dept)
        with httpx.Client(base_url=s.url, timeout=15) as c:
            t0 = time.monotonic()
            r = c.get("/v1/departments/" + dept)
            assert time.monotonic() - t0 < 2.5
            assert_problem(r, 503, "unavailable")
            assert "statement timeout" not in r.text and "canceling" not in r.text
    finally:
        if locker:
            release(locker)
        s.stop()


def test_full_queue_is_503_with_retry_after(db, dept):
    """One connection, one job in flight, one waiting: the next request is refused at once."""
    s = Server(env_extra=dict(db.env(), DAFTAR_DB_CONNECTIONS="1", DAFTAR_DB_PIPELINE_DEPTH="1",
                              DAFTAR_DB_QUEUE_MAX="1", DAFTAR_DB_WAIT_MS="5000"), threads=1)
    locker = None
    results = []
    try:
        s.wait_ready()
        locker = hold_lock(db, dept)

        def call():
            with httpx.Client(base_url=s.url, timeout=15) as c:
                results.append(c.get("/v1/departments/" + dept))

        waiting = [threading.Thread(target=call) for _ in range(2)]
        waiting[0].start()
        wait_lock_waiters(db, 1)  # in flight on the one connection
        waiting[1].start()
        wait_metric(s, "daftar_db_queue_depth 1")  # and one queued behind it
        with httpx.Client(base_url=s.url, timeout=15) as c:
            t0 = time.monotonic()
            r = c.get("/v1/departments/" + dept)
            assert time.monotonic() - t0 < 1
            assert_problem(r, 503, "unavailable")
            assert r.headers["retry-after"] == "1"
        release(locker)
        for t in waiting:
            t.join(15)
        assert sorted(r.status_code for r in results) == [200, 200]
    finally:
        if locker:
            release(locker)
        s.stop()


def test_requests_are_not_sent_behind_one_stuck_on_a_lock(db):
    """A connection's pipeline answers in order. While one request waits on a lock, requests of other
    departments go to the thread's other connection instead of queueing behind it (1 thread, 2
    connections; of two departments added one after the other, one has the stuck one's connection
    as its own)."""
    stuck = db.add_dept("stk")
    others = [db.add_dept("oth"), db.add_dept("oth")]
    s = Server(env_extra=dict(db.env(), DAFTAR_DB_CONNECTIONS="2", DAFTAR_DB_STATEMENT_TIMEOUT_MS="10000"), threads=1)
    locker = None
    result = []
    try:
        s.wait_ready()
        with httpx.Client(base_url=s.url, timeout=15) as c:
            for d in [stuck] + others:
                assert c.get("/v1/departments/" + d).status_code == 200
        locker = hold_lock(db, stuck)

        def call():
            with httpx.Client(base_url=s.url, timeout=15) as c:
                result.append(c.get("/v1/departments/" + stuck))

        blocked = threading.Thread(target=call)
        blocked.start()
        wait_lock_waiters(db, 1)
        with httpx.Client(base_url=s.url, timeout=15) as c:
            for d in others:
                for _ in range(3):
                    t0 = time.monotonic()
                    r = c.get("/v1/departments/" + d)
                    assert r.status_code == 200
                    assert time.monotonic() - t0 < 2, "%s waited behind the locked request" % d
        assert result == [], "the locked request finished while the lock was held"
        release(locker)
        blocked.join(15)
        assert [r.status_code for r in result] == [200]
    finally:
        if locker:
            release(locker)
        s.stop()
