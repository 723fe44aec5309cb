"""Live events (issue 22): GET /v1/me/events over HTTP/2 (h2c and TLS) and HTTP/1.1, fed by the
events outboxes through LISTEN/NOTIFY. An event reaches the right stream within a second and never
an outsider's; Last-Event-ID resumes without gaps or duplicates; a slow reader is cut off at its
bound while the others go on; heartbeats."""
import socket
import threading
import time

import h2.config
import h2.connection
import h2.events
import h2.settings
import httpx
import pytest

from conftest import Server, assert_problem, keyed_env, office_today
from test_auth import Officers, bearer, tokens

FAST = {"DAFTAR_EVENTS_HEARTBEAT_MS": "300", "DAFTAR_EVENTS_BUFFER_BYTES": "4096"}


@pytest.fixture(scope="module")
def w(db, tls_files, tmp_path_factory):
    env = keyed_env(db)
    a, b = db.add_dept("eva"), db.add_dept("evb")
    off = Officers(db, str(tmp_path_factory.mktemp("pw")))
    w = {"a": a, "b": b, "alice": off.add(a)[0], "bob": off.add(a)[0], "carol": off.add(a)[0],
         "dave": off.add(b)[0], "db": db}
    s = Server(env_extra=dict(env, **FAST), tls=tls_files)
    s.wait_ready()
    w["server"], w["tls"] = s, tls_files
    with httpx.Client(base_url=s.url, http2=True, http1=False, timeout=20) as c:
        for who in ("alice", "bob", "carol", "dave"):
            w["t_" + who] = tokens(c, w[who])["access_token"]
    yield w
    s.stop()


class Stream:
    """One GET /v1/me/events read by a thread: its messages (field -> value, and "t" when received)."""

    def __init__(self, w, who, proto="h2c", last_id=None):
        s = w["server"]
        if proto == "h2c":
            self.client = httpx.Client(base_url=s.url, http1=False, http2=True, timeout=httpx.Timeout(10, read=30))
        elif proto == "h2tls":
            self.client = httpx.Client(base_url=s.tls_url, http2=True, verify=w["tls"][0],
                                       timeout=httpx.Timeout(10, read=30))
        else:
            self.client = httpx.Client(base_url=s.url, http1=True, http2=False, timeout=httpx.Timeout(10, read=30))
        self.headers = bearer(w["t_" + who])
        if last_id is not None:
            self.headers["Last-Event-ID"] = last_id
        self.messages, self.comments = [], []
        self.status, self.http_version, self.error = None, None, None
        self.stop = False
        self.ready, self.closed = threading.Event(), threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()
        assert self.ready.wait(10), "the stream did not start"

    def run(self):
        try:
            with self.client.stream("GET", "/v1/me/events", headers=self.headers) as r:
                self.status, self.http_version, self.content_type = r.status_code, r.http_version, \
                    r.headers.get("content-type")
                if r.status_code != 200:
                    self.body = r.read()
                    return
                self.ready.set()
                msg = {}
                for line in r.iter_lines():
                    line = line.rstrip("\r\n")
                    if self.stop:
                        return
                    if line == "":
                        if msg:
                            msg["t"] = time.monotonic()
                            self.messages.append(msg)
                            msg = {}
                        continue
                    if line.startswith(":"):
                        self.comments.append(line)
                        continue
                    k, _, v = line.partition(":")
                    msg[k] = v[1:] if v.startswith(" ") else v
        except Exception as e:  # a cut stream, or the test closing it
            self.error = e
        finally:
            self.ready.set()
            self.closed.set()

    def events(self):
        import json
        return [dict(json.loads(m["data"]), event=m["event"], sse_id=m["id"], t=m["t"])
                for m in list(self.messages) if "event" in m]

    def last_id(self):
        ids = [m["id"] for m in list(self.messages) if "id" in m]
        return ids[-1] if ids else None

    def wait_events(self, n, seconds=10.0):
        deadline = time.monotonic() + seconds
        while len(self.events()) < n:
            assert time.monotonic() < deadline, "%d events, not %d, within %s s" % (len(self.events()), n, seconds)
            time.sleep(0.02)
        return self.events()

    def close(self):
        self.stop = True  # the next heartbeat (300 ms) ends the reader
        self.closed.wait(5)
        self.client.close()


def files_url(w):
    return "/v1/departments/%s/files" % w["a"]


def new_file(c, w, who="alice"):
    r = c.post(files_url(w), headers=bearer(w["t_" + who]), json={"subject": "Estimates 2027-28", "section": "BUDGET"})
    assert r.status_code == 201, r.text
    return r.json(), r.headers["etag"]


def move(c, w, who, f, etag, **body):
    r = c.post(files_url(w) + "/%s/movements" % f["id"], headers=dict(bearer(w["t_" + who]), **{"If-Match": etag}),
               json=body)
    assert r.status_code == 201, r.text
    return r.json(), r.headers["etag"]


@pytest.fixture
def c(w):
    with httpx.Client(base_url=w["server"].url, http1=False, http2=True, timeout=20) as c:
        yield c


@pytest.mark.parametrize("proto", ["h2c", "h2tls", "h1"])
def test_an_event_reaches_the_right_stream_within_a_second_and_never_an_outsiders(w, c, proto):
    bob, carol, dave = Stream(w, "bob", proto), Stream(w, "carol", proto), Stream(w, "dave", proto)
    try:
        assert bob.status == 200 and bob.content_type.startswith("text/event-stream")
        assert bob.http_version == ("HTTP/1.1" if proto == "h1" else "HTTP/2")
        time.sleep(0.3)
        f, etag = new_file(c, w)
        sent = time.monotonic()
        move(c, w, "alice", f, etag, action="forward", to=w["bob"], remarks="Please examine")
        got = bob.wait_events(1, 5)
        assert got[0]["type"] == got[0]["event"] == "file.arrived"
        assert got[0]["subject"] == f["id"] and got[0]["data"]["file_id"] == f["id"]
        assert got[0]["data"]["by"] == w["alice"] and got[0]["scope"] == "dept_" + w["a"]
        assert got[0]["t"] - sent < 1.0, "delivered after %.3f s" % (got[0]["t"] - sent)
        time.sleep(1.5)  # the outsiders (one of the department, one of another) carry nothing
        assert carol.events() == [] and dave.events() == []
        assert len(carol.comments) >= 1  # heartbeats every 300 ms: their streams are alive
        assert len(bob.events()) == 1
    finally:
        for s in (bob, carol, dave):
            s.close()


def test_returned_recalled_and_overdue_go_to_whom_they_concern(w, c):
    alice, bob = Stream(w, "alice"), Stream(w, "bob")
    try:
        f, etag = new_file(c, w)
        f, etag = move(c, w, "alice", f, etag, action="forward", to=w["bob"])
        f, etag = move(c, w, "bob", f, etag, action="return", remarks="Clarify")
        f, etag = move(c, w, "alice", f, etag, action="forward", to=w["bob"])
        f, etag = move(c, w, "alice", f, etag, action="recall")
        assert [e["type"] for e in alice.wait_events(1)] == ["file.returned"]
        assert [e["type"] for e in bob.wait_events(3)] == ["file.arrived", "file.arrived", "file.recalled"]
        # overdue: a due date already past; the timers thread marks it (rescan 60 s: the NOTIFY of timer_set wakes it)
        f, etag = move(c, w, "alice", f, etag, action="forward", to=w["bob"], due_date="2026-01-01")
        got = bob.wait_events(5, 15)
        assert [e["type"] for e in got[3:]] == ["file.arrived", "file.overdue"] and got[4]["subject"] == f["id"]
        assert [e["type"] for e in alice.events()] == ["file.returned"]
    finally:
        alice.close()
        bob.close()


def test_last_event_id_resumes_without_gaps_or_duplicates(w, c):
    first = Stream(w, "bob")
    f, etag = new_file(c, w)
    try:
        for i in range(3):
            f, etag = move(c, w, "alice", f, etag, action="forward", to=w["bob"], remarks="round %d" % i)
            f, etag = move(c, w, "bob", f, etag, action="return")
        seen = first.wait_events(3)
        resume_from = first.last_id()
    finally:
        first.close()
    for i in range(3, 8):  # while nobody listens
        f, etag = move(c, w, "alice", f, etag, action="forward", to=w["bob"], remarks="round %d" % i)
        f, etag = move(c, w, "bob", f, etag, action="return")
    second = Stream(w, "bob", "h2c", last_id=resume_from)
    try:
        f, etag = move(c, w, "alice", f, etag, action="forward", to=w["bob"], remarks="live")
        got = second.wait_events(6)
        time.sleep(0.5)
        got = second.events()
        ids = [e["id"] for e in seen + got]
        assert len(ids) == len(set(ids)) == 9, ids  # none twice
        ns = [int(i.rsplit(".", 1)[1]) for i in ids]
        assert ns == sorted(ns)
        remarks_order = [e["data"]["file_id"] for e in got]
        assert remarks_order == [f["id"]] * 6
        # no gap: the outbox's own rows for bob, in order, are exactly what the two streams carried
        rows = w["db"].psql("SELECT n FROM dept_%s.events WHERE '%s' = ANY (audience) AND subject = '%s' ORDER BY n"
                            % (w["a"], w["bob"], f["id"])).stdout.split()
        assert [int(n) for n in rows] == ns
    finally:
        second.close()
    assert_problem(c.get("/v1/me/events", headers=dict(bearer(w["t_bob"]), **{"Last-Event-ID": "12~dept_x.1~;"})),
                   400)


class SlowReader:
    """An HTTP/2 stream whose reader grants no flow-control window: h2o can send it nothing."""

    def __init__(self, w, who):
        self.sock = socket.create_connection(("127.0.0.1", w["server"].port))
        self.conn = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True))
        self.conn.initiate_connection()
        self.conn.update_settings({h2.settings.SettingCodes.INITIAL_WINDOW_SIZE: 0})  # no DATA until we say so
        self.sid = self.conn.get_next_available_stream_id()
        self.conn.send_headers(self.sid, [(":method", "GET"), (":path", "/v1/me/events"), (":scheme", "http"),
                                          (":authority", "127.0.0.1"), ("authorization", "Bearer " + w["t_" + who])],
                               end_stream=True)
        self.sock.sendall(self.conn.data_to_send())
        self.data, self.reset, self.status = b"", None, None

    def pump(self, seconds, grant=False):
        self.sock.settimeout(0.2)
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and self.reset is None:
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                continue
            if not chunk:
                break
            for ev in self.conn.receive_data(chunk):
                if isinstance(ev, h2.events.ResponseReceived):
                    self.status = dict(ev.headers).get(b":status")
                elif isinstance(ev, h2.events.DataReceived):
                    self.data += ev.data
                    if grant:
                        self.conn.acknowledge_received_data(ev.flow_controlled_length, ev.stream_id)
                elif isinstance(ev, h2.events.StreamReset):
                    self.reset = ev.error_code
            self.sock.sendall(self.conn.data_to_send())

    def open_window(self):
        self.conn.increment_flow_control_window(1 << 20, stream_id=self.sid)
        self.conn.increment_flow_control_window(1 << 20)
        self.sock.sendall(self.conn.data_to_send())


def metric(w, name):
    for ln in httpx.get(w["server"].metrics_url + "/metrics", timeout=10).text.splitlines():
        if ln.startswith(name + " "):
            return float(ln.split()[1])
    return None


def test_a_slow_reader_is_cut_at_its_bound_while_others_go_on(w, c):
    cut_before = metric(w, "daftar_event_streams_cut_total")
    slow = SlowReader(w, "bob")
    fast = Stream(w, "bob")
    try:
        slow.pump(0.5)
        assert slow.status == b"200"
        f, etag = new_file(c, w)
        for i in range(15):  # ~400 bytes each to bob: far past the 4 KiB bound
            f, etag = move(c, w, "alice", f, etag, action="forward", to=w["bob"], remarks="round %d" % i)
            f, etag = move(c, w, "bob", f, etag, action="return")
        assert len(fast.wait_events(15)) == 15  # the other stream of the same officer went on
        deadline = time.monotonic() + 5
        while metric(w, "daftar_event_streams_cut_total") == cut_before:
            assert time.monotonic() < deadline, "the slow stream was never cut off"
            time.sleep(0.1)
        # once it reads, it gets what h2o held for it (within the bound), then the reset
        slow.open_window()
        slow.pump(3, grant=True)
        assert slow.reset is not None, "no RST_STREAM after the cut"
        assert len(slow.data) <= 4096, len(slow.data)
        assert slow.data.count(b"event: file.arrived") < 15
    finally:
        fast.close()
        slow.sock.close()


def test_heartbeats_keep_a_quiet_stream_alive(w):
    s = Stream(w, "carol", "h1")
    try:
        time.sleep(1.2)
        assert len(s.comments) >= 2 and s.comments[0] == ": heartbeat"
        assert s.messages[0]["id"].split("~")[0].isdigit() and s.messages[0].get("retry") == "3000"
    finally:
        s.close()


def test_a_service_account_and_no_token_are_refused(w, c):
    assert_problem(c.get("/v1/me/events"), 401)
    out = w["db"].cli("service", "add", "--dept", w["a"], "--name", "Portal", "--role", "officer",
                      "--scope", "files:read").stdout
    cid = out.split("client_id: ")[1].split()[0]
    secret = out.split("client_secret: ")[1].split()[0]
    r = c.post("/v1/auth/token", json={"grant_type": "client_credentials", "client_id": cid, "client_secret": secret})
    assert r.status_code == 200, r.text
    assert_problem(c.get("/v1/me/events", headers=bearer(r.json()["access_token"])), 403)


# ------------------------------------------------------------------ audit export


@pytest.fixture(scope="module")
def auditor(w, tmp_path_factory):
    off = Officers(w["db"], str(tmp_path_factory.mktemp("pw")))
    uid, uid_b = off.add(w["a"], "officer,auditor")[0], off.add(w["b"], "officer,auditor")[0]
    with httpx.Client(base_url=w["server"].url, http2=True, http1=False, timeout=20) as c:
        return {"a": tokens(c, uid)["access_token"], "b": tokens(c, uid_b)["access_token"]}


def export(c, w, token, dept=None, **query):
    return c.get("/v1/departments/%s/audit" % (dept or w["a"]), headers=bearer(token), params=query)


def verify(w, path):
    import subprocess
    from conftest import BIN
    return subprocess.run([BIN, "audit", "verify", str(path)], capture_output=True, text=True, timeout=60)


def test_the_audit_export_verifies_offline_and_a_tampered_one_is_caught(w, c, auditor, tmp_path):
    import json
    f, etag = new_file(c, w)
    move(c, w, "alice", f, etag, action="forward", to=w["bob"], remarks="for the export: दफ़्तर")
    r = export(c, w, auditor["a"])
    assert r.status_code == 200 and r.http_version == "HTTP/2", r.text
    assert r.headers["content-type"] == "application/x-ndjson"
    lines = r.text.splitlines()
    events = [json.loads(ln) for ln in lines]
    chains = {}
    for e in events:  # chain by chain (one a family), each in seq order from 1
        chains.setdefault(e["chain"], []).append(e["seq"])
    assert [e["chain"] for e in events] == sorted(e["chain"] for e in events) and len(events) >= 4
    assert all(seqs == list(range(1, len(seqs) + 1)) for seqs in chains.values()), chains
    events = [e for e in events if e["chain"] == "efile"] + [e for e in events if e["chain"] != "efile"]
    assert any(e["action"] == "file.forward" and e["object_id"] == f["id"] for e in events)
    good = tmp_path / "audit.ndjson"
    good.write_text(r.text)
    p = verify(w, good)
    assert p.returncode == 0 and "chain intact" in p.stdout, p.stdout + p.stderr
    # tampered: one detail changed; one event deleted; two swapped
    forward = next(i for i, e in enumerate(events) if e["action"] == "file.forward" and e["object_id"] == f["id"])
    changed = [dict(e) for e in events]
    changed[forward]["detail"] = changed[forward]["detail"].replace(w["bob"], w["carol"])
    cases = {"changed": changed, "deleted": events[:1] + events[2:], "swapped": events[:1] + [events[2], events[1]] + events[3:]}
    for name, evs in cases.items():
        bad = tmp_path / (name + ".ndjson")
        bad.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in evs))
        p = verify(w, bad)
        assert p.returncode == 1, (name, p.stdout)
    assert "was changed" in verify(w, tmp_path / "changed.ndjson").stdout
    assert "missing" in verify(w, tmp_path / "deleted.ndjson").stdout
    # the export itself is in the chain
    again = [json.loads(ln) for ln in export(c, w, auditor["a"]).text.splitlines()]
    assert any(e["action"] == "audit.export" for e in again)


def test_the_audit_export_is_for_the_departments_auditor_only(w, c, auditor):
    assert_problem(export(c, w, w["t_alice"]), 403)  # a member without the role
    assert_problem(export(c, w, auditor["b"]), 403)  # another department's auditor
    assert_problem(export(c, w, w["t_dave"]), 403)
    r = export(c, w, auditor["a"], since="2026-01-02", until="2026-01-01")
    assert_problem(r, 400)
    r = export(c, w, auditor["a"], since="2000-01-01", until="2000-01-01")
    assert r.status_code == 200 and r.text == ""
    today = office_today().isoformat()
    assert export(c, w, auditor["a"], since=today).status_code == 200



def test_one_officers_streams_opened_at_once_read_its_session_once(w, db):
    """An app opening many streams at once, on a server that has not seen the officer: the cache misses are
    coalesced into one read of the session, so none is refused for a full db queue (bench/events saw 503s
    when 20 streams an officer connected together). Here the queue holds 4, one statement at a time, and 30
    streams' HEADERS arrive in one write."""
    s = Server(env_extra=dict(keyed_env(db), DAFTAR_DB_QUEUE_MAX="4", DAFTAR_DB_PIPELINE_DEPTH="1",
                              DAFTAR_DB_CONNECTIONS="1", **FAST), threads=1)
    s.wait_ready()
    try:
        sock = socket.create_connection(("127.0.0.1", s.port), timeout=10)
        conn = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True))
        conn.initiate_connection()
        ids = []
        for _ in range(30):
            sid = conn.get_next_available_stream_id()
            conn.send_headers(sid, [(":method", "GET"), (":path", "/v1/me/events"), (":scheme", "http"),
                                    (":authority", "127.0.0.1"), ("authorization", "Bearer " + w["t_alice"])],
                              end_stream=True)
            ids.append(sid)
        sock.sendall(conn.data_to_send())
        status = {}
        deadline = time.monotonic() + 20
        while len(status) < len(ids) and time.monotonic() < deadline:
            data = sock.recv(65536)
            if not data:
                break
            for ev in conn.receive_data(data):
                if isinstance(ev, h2.events.ResponseReceived):
                    status[ev.stream_id] = dict(ev.headers)[b":status"].decode()
            sock.sendall(conn.data_to_send())
        sock.close()
        assert sorted(status.values()) == ["200"] * 30, sorted(status.values())
    finally:
        s.stop()
