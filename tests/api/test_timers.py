"""Deadlines that act by themselves (issue 17, section 3): timers per department, fired exactly once
by any number of daftar servers, after a restart too; e-File's due dates are the first kind.
Tests set timers in the past instead of moving clocks."""
import datetime
import signal
import time

import httpx
import pytest

from conftest import Server, keyed_env, office_today
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
            "CREATE FUNCTION {s}.timer_sleepy(t {s}.timers) RETURNS void LANGUAGE sql AS "
            "$$ INSERT INTO {s}.timer_log (timer) VALUES (t.id); SELECT pg_sleep(0.1) $$; "
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


def metric(server, name):
    """The value of one metric line of a server's /metrics, or None when it has none."""
    for ln in httpx.get(server.metrics_url + "/metrics", timeout=10).text.splitlines():
        if ln.startswith(name + " "):
            return float(ln.split()[1])
    return None


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
            due = (office_today() - datetime.timedelta(days=3)).isoformat()
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
        w["db"].psql("DELETE FROM {s}.timers WHERE kind = 'broken'".format(s=w["schema"]))


def test_a_timer_set_due_soon_wakes_the_servers_without_waiting_for_a_rescan(w):
    # rescans 10 minutes apart: only timer_set's NOTIFY, or a scan that saw the timer coming, can make
    # these fire within seconds. This one is written without timer_set (no NOTIFY), due in 3 s:
    add_timers(w, "sleepy", 1, ago="-3 seconds")
    t0 = time.monotonic()
    s = Server(env_extra=dict(w["env"], DAFTAR_TIMERS_RESCAN_MS="600000"))
    try:
        s.wait_ready()
        wait_for(lambda: (metric(s, "daftar_timers_scans_total") or 0) >= 1, 10)  # the scan at start is over
        wait_for(lambda: count(w, "SELECT count(*) FROM {s}.timers WHERE kind = 'sleepy' AND fired_at IS NULL") == 0, 8)
        assert time.monotonic() - t0 >= 2.5, "the timer due in 3 s fired early"
        unfired = "SELECT count(*) FROM {s}.timers WHERE kind = 'slow' AND fired_at IS NULL"
        # set in a transaction of its own, as a family's change would (due a moment ago, and in 2 s)
        w["db"].psql("BEGIN; SELECT {s}.timer_set('slow', gen_random_uuid(), now() - interval '1 second', NULL); "
                     "SELECT {s}.timer_set('slow', gen_random_uuid(), now() + interval '2 seconds', NULL); COMMIT"
                     .format(s=w["schema"]))
        t0 = time.monotonic()
        wait_for(lambda: count(w, unfired) == 0, 8)
        assert time.monotonic() - t0 >= 1.5, "the timer due in 2 s fired early"
        assert count(w, "SELECT count(*) FROM {s}.timers WHERE kind IN ('slow', 'sleepy') AND fired_at < due_at") == 0
        # one due later than any rescan could come is not notified, and nothing fires before its time
        w["db"].psql("SELECT {s}.timer_set('slow', gen_random_uuid(), now() + interval '1 hour', NULL)".format(s=w["schema"]))
        time.sleep(1)
        assert count(w, unfired) == 1
        assert metric(s, "daftar_timers_scans_total") <= 5  # the start, the sleepy one, two notified; no rescans
    finally:
        s.stop()
        w["db"].psql("DELETE FROM {s}.timers WHERE kind = 'slow' AND fired_at IS NULL".format(s=w["schema"]))


def test_the_metrics_say_how_many_timers_are_due_while_they_fire(w):
    add_timers(w, "sleepy", 30)  # 0.1 s each: a scan of about 3 s
    s = Server(env_extra=dict(w["env"], **FAST))
    try:
        wait_for(lambda: metric(s, "daftar_timers_due") is not None and metric(s, "daftar_timers_due") >= 30, 5)
        assert metric(s, "daftar_timers_due_departments") >= 1
        assert 0 < metric(s, "daftar_timers_scan_seconds") < 5
        wait_for(lambda: count(w, "SELECT count(*) FROM {s}.timers WHERE kind = 'sleepy' AND fired_at IS NULL") == 0, 20)
    finally:
        s.stop()


def test_timers_off_fires_nothing(w):
    s = Server(env_extra=dict(w["env"], DAFTAR_TIMERS="off", DAFTAR_TIMERS_RESCAN_MS="100"))
    try:
        s.wait_ready()
        add_timers(w, "slow", 1)
        time.sleep(1.5)
        assert count(w, "SELECT count(*) FROM {s}.timers WHERE kind = 'slow' AND fired_at IS NULL") == 1
        assert metric(s, "daftar_timers_scans_total") is None
    finally:
        s.stop()
        w["db"].psql("DELETE FROM {s}.timers WHERE kind = 'slow' AND fired_at IS NULL".format(s=w["schema"]))
