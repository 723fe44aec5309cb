"""Deadlines that act by themselves (issue 17, section 3): timers per department, fired exactly once
by any number of daftar servers, after a restart too; e-File's due dates are the first kind.
Tests set timers in the past instead of moving clocks."""
import datetime
import signal
import time

import httpx
import pytest

from conftest import Server, keyed_env
from test_auth import Officers, bearer, tokens

FAST = {"DAFTAR_TIMERS_RESCAN_MS": "100"}


@pytest.fixture(scope="module")
def w(db, tmp_path_factory):
    env = keyed_env(db)
    dept = db.add_dept("tim")
    off = Officers(db, str(tmp_path_factory.mktemp("pw")))
    s = dept_schema = "dept_%s" % dept
    # a test kind: logs each firing (the action runs in the firing transaction, so a killed
    # server's batch leaves no row), slowly enough to be killed in the middle
    db.psql("SET ROLE daftar_owner; CREATE TABLE {s}.timer_log (timer bigint NOT NULL, at timestamptz DEFAULT now()); "
            "CREATE FUNCTION {s}.timer_slow(t {s}.timers) RETURNS void LANGUAGE sql AS "
            "$$ INSERT INTO {s}.timer_log (timer) VALUES (t.id); SELECT pg_sleep(0.01) $$; "
            "CREATE FUNCTION {s}.timer_broken(t {s}.timers) RETURNS void LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'the action failed'; END $$; "
            # audits, then holds the department's audit chain head for a while
            "CREATE FUNCTION {s}.timer_chained(t {s}.timers) RETURNS void LANGUAGE sql AS "
            "$$ SELECT {s}.audit('test.chained', t.subject, '{{}}'); SELECT pg_sleep(1.5) $$".format(s=dept_schema))
    yield {"dept": dept, "schema": s, "off": off, "env": env, "db": db,
           "alice": off.add(dept)[0], "bob": off.add(dept)[0]}


def add_timers(w, kind, n, ago="1 hour"):
    w["db"].psql("INSERT INTO {s}.timers (kind, subject, due_at) SELECT '{k}', gen_random_uuid(), now() - interval '{a}' "
                 "FROM generate_series(1, {n})".format(s=w["schema"], k=kind, a=ago, n=n))


def count(w, sql):
    return int(w["db"].psql(sql.format(s=w["schema"])).stdout.strip())


def wait_for(pred, seconds=30.0):
    deadline = time.monotonic() + seconds
    while not pred():
        assert time.monotonic() < deadline, "not within %s s" % seconds
        time.sleep(0.1)


def test_a_file_past_its_due_date_becomes_overdue_by_itself(w):
    s = Server(env_extra=dict(w["env"], **FAST))
    try:
        s.wait_ready()
        with httpx.Client(base_url=s.url, http1=False, http2=True, timeout=20) as c:
            ha, hb = bearer(tokens(c, w["alice"])["access_token"]), bearer(tokens(c, w["bob"])["access_token"])
            files = "/v1/departments/%s/files" % w["dept"]
            r = c.post(files, headers=ha, json={"subject": "Reply to the Accountant General", "section": "AUD"})
            f, etag = r.json(), r.headers["etag"]
            due = (datetime.date.today() - datetime.timedelta(days=3)).isoformat()
            r = c.post(files + "/%s/movements" % f["id"], headers=dict(ha, **{"If-Match": etag}),
                       json={"action": "forward", "to": w["bob"], "remarks": "Reply today", "due_date": due})
            assert r.status_code == 201, r.text
            assert r.json()["overdue_since"] is None
            wait_for(lambda: c.get(files + "/" + f["id"], headers=hb).json()["overdue_since"] is not None, 10)
            got = c.get(files + "/" + f["id"], headers=hb)
            assert got.json()["version"] == 3  # the overdue mark is a change of the file
            assert count(w, "SELECT count(*) FROM {s}.audit_events WHERE action = 'file.overdue' AND uid = 'timer' "
                            "AND object_id = '%s'" % f["id"]) == 1
            p = c.get("/v1/departments/%s/reports/pendency" % w["dept"], headers=hb, params={"overdue": "true"}).json()
            assert p["scope"] == "self" and len(p["items"]) == 1
            item = p["items"][0]
            assert item["officer"] == w["bob"] and item["overdue"] == 1
            assert item["files"][0]["id"] == f["id"] and item["files"][0]["due_date"] == due
            assert item["files"][0]["days_overdue"] >= 2
            # it moves on without a due date: no longer overdue, and nothing left to fire
            r = c.post(files + "/%s/movements" % f["id"], headers=dict(hb, **{"If-Match": got.headers["etag"]}),
                       json={"action": "return", "remarks": "Done"})
            assert r.status_code == 201 and r.json()["overdue_since"] is None, r.text
            p = c.get("/v1/departments/%s/reports/pendency" % w["dept"], headers=hb, params={"overdue": "true"}).json()
            assert p["items"] == []
            assert c.get("/v1/departments/%s/reports/pendency" % w["dept"], headers=hb,
                         params={"overdue": "maybe"}).status_code == 400
    finally:
        s.stop()


def test_a_request_waiting_behind_a_timer_on_the_audit_chain_goes_through(w):
    s = Server(env_extra=dict(w["env"], **FAST))
    try:
        s.wait_ready()
        with httpx.Client(base_url=s.url, http1=False, http2=True, timeout=20) as c:
            ha = bearer(tokens(c, w["alice"])["access_token"])
            add_timers(w, "chained", 1)
            sleeping = ("SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%timers_fire%' "
                        "AND wait_event = 'PgSleep'")
            wait_for(lambda: int(w["db"].psql(sleeping).stdout.strip()) == 1, 10)
            # the file's creation is audited: it waits for the timer's transaction, then chains after it
            r = c.post("/v1/departments/%s/files" % w["dept"], headers=ha,
                       json={"subject": "Opened while a timer held the audit chain", "section": "AUD"})
            assert r.status_code == 201, r.text
            assert count(w, "SELECT count(*) FROM {s}.timers WHERE kind = 'chained' AND fired_at IS NOT NULL") == 1
            assert count(w, "SELECT count(*) FROM {s}.audit_events a JOIN {s}.audit_events b ON b.seq = a.seq + 1 "
                            "WHERE b.prev_hash <> a.hash") == 0  # one chain, no fork
            assert count(w, "SELECT max(seq) - count(*) FROM {s}.audit_events") == 0
    finally:
        s.stop()


def test_two_servers_fire_each_timer_once_with_one_killed_in_the_middle(w):
    before = count(w, "SELECT count(*) FROM {s}.timer_log")
    add_timers(w, "slow", 300)
    a = Server(env_extra=dict(w["env"], **FAST))
    b = Server(env_extra=dict(w["env"], **FAST))
    try:
        wait_for(lambda: count(w, "SELECT count(*) FROM {s}.timer_log") > before, 10)
        a.proc.send_signal(signal.SIGKILL)
        a.proc.wait(timeout=10)
        wait_for(lambda: count(w, "SELECT count(*) FROM {s}.timers WHERE kind = 'slow' AND fired_at IS NULL") == 0)
        logged = count(w, "SELECT count(*) FROM {s}.timer_log") - before
        distinct = count(w, "SELECT count(DISTINCT timer) FROM {s}.timer_log l JOIN {s}.timers t ON t.id = l.timer "
                            "WHERE t.kind = 'slow'")
        assert logged == 300 and distinct == 300, (logged, distinct)
    finally:
        b.stop()


def test_timers_due_while_every_server_was_down_fire_after_restart(w):
    add_timers(w, "slow", 20, ago="2 days")
    assert count(w, "SELECT count(*) FROM {s}.timers WHERE kind = 'slow' AND fired_at IS NULL") == 20
    s = Server(env_extra=dict(w["env"], **FAST))
    try:
        wait_for(lambda: count(w, "SELECT count(*) FROM {s}.timers WHERE kind = 'slow' AND fired_at IS NULL") == 0, 15)
        text = httpx.get(s.metrics_url + "/metrics", timeout=10).text
        fired = [ln for ln in text.splitlines() if ln.startswith("daftar_timers_fired_total ")]
        assert fired and int(fired[0].split()[1]) >= 20
        late = [ln for ln in text.splitlines() if ln.startswith("daftar_timers_late_seconds ")]
        assert late and float(late[0].split()[1]) > 86400  # two days late, and said so
    finally:
        s.stop()


def test_a_failing_action_is_retried_with_backoff_and_counted(w):
    add_timers(w, "broken", 1)
    s = Server(env_extra=dict(w["env"], **FAST))
    try:
        wait_for(lambda: count(w, "SELECT coalesce(max(attempts), 0) FROM {s}.timers WHERE kind = 'broken'") >= 2, 15)
        row = w["db"].psql("SELECT fired_at IS NULL, last_error, due_at > now() FROM {s}.timers WHERE kind = 'broken'"
                           .format(s=w["schema"])).stdout.strip()
        assert row == "t|the action failed|t", row
        text = httpx.get(s.metrics_url + "/metrics", timeout=10).text
        failed = [ln for ln in text.splitlines() if ln.startswith("daftar_timers_failed_total ")]
        assert failed and int(failed[0].split()[1]) >= 2
    finally:
        s.stop()
