"""Webhooks (issue 22): a service account's endpoints get the department's events, signed
(HMAC-SHA256 over "<t>.<body>") with the event id for de-duplication, retried with exponential
backoff, dead-lettered after the limit, in a delivery log it can read and replay; a receiver that
hangs delays nothing else. Receivers are plain HTTP on loopback (webhook_insecure_loopback), reached by the
name `localhost`, the one host webhook_allow_hosts lets in here: every other internal address is refused, at
registration and after DNS at delivery (SSRF)."""
import hashlib
import hmac
import http.server
import json
import socket
import threading
import time

import httpx
import pytest

from conftest import Server, assert_problem, keyed_env
from test_auth import Officers, bearer, tokens

ENV = {"DAFTAR_WEBHOOK_INSECURE_LOOPBACK": "on", "DAFTAR_WEBHOOK_BACKOFF_MS": "300", "DAFTAR_WEBHOOK_MAX_ATTEMPTS": "3",
       "DAFTAR_WEBHOOK_TIMEOUT_MS": "4000", "DAFTAR_WEBHOOK_RESCAN_MS": "100", "DAFTAR_WEBHOOK_ALLOW_HOSTS": "localhost"}


class Receiver:
    """An HTTP receiver on loopback: each path answers as told (a status, or "hang")."""

    def __init__(self):
        self.got, self.answers, self.lock = [], {}, threading.Lock()
        rec = self

        class H(http.server.BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                with rec.lock:
                    rec.got.append({"path": self.path, "headers": dict(self.headers), "body": body, "t": time.monotonic()})
                    answer = rec.answers.get(self.path, 200)
                    if isinstance(answer, list):
                        answer = answer.pop(0) if len(answer) > 1 else answer[0]
                if answer == "hang":
                    time.sleep(30)
                    return
                self.send_response(answer)
                self.send_header("content-length", "0")
                self.end_headers()

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def url(self, path):
        return "http://localhost:%d%s" % (self.port, path)

    def at(self, path):
        with self.lock:
            return [g for g in self.got if g["path"] == path]

    def wait(self, path, n, seconds=10.0):
        deadline = time.monotonic() + seconds
        while len(self.at(path)) < n:
            assert time.monotonic() < deadline, "%s: %d posts, not %d" % (path, len(self.at(path)), n)
            time.sleep(0.02)
        return self.at(path)


@pytest.fixture(scope="module")
def w(db, tmp_path_factory):
    env = keyed_env(db)
    a = db.add_dept("wha")
    off = Officers(db, str(tmp_path_factory.mktemp("pw")))
    w = {"a": a, "alice": off.add(a)[0], "bob": off.add(a)[0], "db": db, "rx": Receiver()}
    s = Server(env_extra=dict(env, **ENV))
    s.wait_ready()
    w["server"] = s
    with httpx.Client(base_url=s.url, http2=True, http1=False, timeout=20) as c:
        w["t_alice"] = tokens(c, w["alice"])["access_token"]
        w["svc"] = service_token(c, db, a, "webhooks,files:read")
        w["svc2"] = service_token(c, db, a, "webhooks,files:read")
        w["svc_noread"] = service_token(c, db, a, "webhooks")
    yield w
    s.stop()
    w["rx"].httpd.shutdown()


def service_token(c, db, dept, scopes):
    out = db.cli("service", "add", "--dept", dept, "--name", "Treasury", "--role", "officer", "--scope", scopes).stdout
    cid, secret = out.split("client_id: ")[1].split()[0], out.split("client_secret: ")[1].split()[0]
    r = c.post("/v1/auth/token", json={"grant_type": "client_credentials", "client_id": cid, "client_secret": secret})
    assert r.status_code == 200, r.text
    return r.json()["access_token"]


@pytest.fixture
def c(w):
    with httpx.Client(base_url=w["server"].url, http1=False, http2=True, timeout=20) as c:
        yield c


def hooks(w):
    return "/v1/departments/%s/webhooks" % w["a"]


def register(c, w, path, types=("file.*",), token="svc"):
    r = c.post(hooks(w), headers=bearer(w[token]), json={"url": w["rx"].url(path), "types": list(types)})
    assert r.status_code == 201, r.text
    return r.json()


def forward(c, w):
    """A file forwarded alice -> bob: one file.arrived event in the department."""
    h = bearer(w["t_alice"])
    r = c.post("/v1/departments/%s/files" % w["a"], headers=h, json={"subject": "Webhook test", "section": "WH"})
    f, etag = r.json(), r.headers["etag"]
    r = c.post("/v1/departments/%s/files/%s/movements" % (w["a"], f["id"]), headers=dict(h, **{"If-Match": etag}),
               json={"action": "forward", "to": w["bob"]})
    assert r.status_code == 201, r.text
    return f


def log(c, w, hook, token="svc", **q):
    r = c.get(hooks(w) + "/%s/deliveries" % hook["id"], headers=bearer(w[token]), params=q)
    assert r.status_code == 200, r.text
    return r.json()["items"]


def settled(c, w, hook, token="svc"):
    """The log once nothing in it is pending (the deliverer records a try just after the receiver answers)."""
    deadline = time.monotonic() + 10
    while any(d["status"] == "pending" for d in log(c, w, hook, token)):
        assert time.monotonic() < deadline, "still pending"
        time.sleep(0.1)
    return log(c, w, hook, token)


def signed_ok(secret, post):
    sig = dict(kv.split("=", 1) for kv in post["headers"]["Daftar-Signature"].split(","))
    want = hmac.new(secret.encode(), sig["t"].encode() + b"." + post["body"], hashlib.sha256).hexdigest()
    return hmac.compare_digest(want, sig["v1"]) and abs(time.time() - int(sig["t"])) < 60


def test_a_delivery_is_signed_and_carries_the_event_id(w, c):
    hook = register(c, w, "/signed")
    assert hook["secret"].startswith("whsec_") and hook["types"] == ["file.*"]
    listed = c.get(hooks(w), headers=bearer(w["svc"])).json()["items"]
    assert [h["id"] for h in listed] == [hook["id"]] and "secret" not in listed[0]
    f = forward(c, w)
    post = w["rx"].wait("/signed", 1)[0]
    body = json.loads(post["body"])
    assert body["type"] == "file.arrived" and body["subject"] == f["id"] and body["data"]["file_id"] == f["id"]
    assert post["headers"]["Daftar-Event-Id"] == body["id"] and body["id"].startswith("dept_%s." % w["a"])
    assert signed_ok(hook["secret"], post)
    assert not signed_ok("whsec_" + "0" * 64, post)  # the signature is the secret's
    deliveries = settled(c, w, hook)
    assert deliveries[0]["status"] == "delivered" and deliveries[0]["tries"][0]["http_status"] == 200


def test_registration_checks_url_types_and_scopes(w, c):
    bad = [({"url": "http://example.org/x", "types": ["file.*"]}, 400),   # plain HTTP off loopback
           ({"url": "https://u:p@example.org/x", "types": ["file.*"]}, 400),
           ({"url": "https://example.org/x", "types": ["leave.decided"]}, 400),  # persons' events: never
           ({"url": "https://example.org/x", "types": []}, 400)]
    for body, status in bad:
        assert_problem(c.post(hooks(w), headers=bearer(w["svc"]), json=body), status)
    register(c, w, "/dup", types=("file.overdue",), token="svc2")
    again = c.post(hooks(w), headers=bearer(w["svc2"]), json={"url": w["rx"].url("/dup"), "types": ["file.*"]})
    assert_problem(again, 409)  # a retried registration makes no second endpoint
    assert_problem(c.post(hooks(w), headers=bearer(w["svc_noread"]), json={"url": "https://example.org/x",
                                                                         "types": ["file.arrived"]}), 403)
    assert_problem(c.post(hooks(w), headers=bearer(w["t_alice"]), json={"url": "https://example.org/x",
                                                                      "types": ["file.*"]}), 403)  # officers: no


def test_a_failing_receiver_is_retried_with_backoff_then_delivered(w, c):
    w["rx"].answers["/flaky"] = [500, 503, 200]
    hook = register(c, w, "/flaky")
    forward(c, w)
    posts = w["rx"].wait("/flaky", 3, 15)
    assert len({p["headers"]["Daftar-Event-Id"] for p in posts}) == 1  # one event, three tries
    gaps = [posts[1]["t"] - posts[0]["t"], posts[2]["t"] - posts[1]["t"]]
    assert gaps[0] >= 0.25 and gaps[1] >= 0.55, gaps  # 300 ms, then 600 ms
    d = settled(c, w, hook)[0]
    assert d["status"] == "delivered" and [t["http_status"] for t in d["tries"]] == [500, 503, 200]


def test_a_dead_letter_is_logged_and_replayed(w, c):
    w["rx"].answers["/down"] = [500]
    hook = register(c, w, "/down")
    forward(c, w)
    w["rx"].wait("/down", 3, 15)
    deadline = time.monotonic() + 5
    while log(c, w, hook)[0]["status"] != "dead":
        assert time.monotonic() < deadline
        time.sleep(0.1)
    dead = log(c, w, hook, status="dead")[0]
    assert dead["attempts"] == 3 and len(dead["tries"]) == 3
    time.sleep(1)
    assert len(w["rx"].at("/down")) == 3  # no fourth try
    # another service account sees and replays nothing of it
    assert_problem(c.get(hooks(w) + "/%s/deliveries" % hook["id"], headers=bearer(w["svc2"])), 404)
    replay = hooks(w) + "/%s/deliveries/%d/replay" % (hook["id"], dead["id"])
    assert_problem(c.post(replay, headers=bearer(w["svc2"])), 404)
    w["rx"].answers["/down"] = [200]
    r = c.post(replay, headers=bearer(w["svc"]))
    assert r.status_code == 200 and r.json()["status"] == "pending", r.text
    posts = w["rx"].wait("/down", 4)
    assert posts[3]["headers"]["Daftar-Event-Id"] == posts[0]["headers"]["Daftar-Event-Id"]
    assert posts[3]["body"] == posts[0]["body"]  # the same bytes
    deadline = time.monotonic() + 5
    while log(c, w, hook)[0]["status"] != "delivered":
        assert time.monotonic() < deadline
        time.sleep(0.1)
    assert len(log(c, w, hook)[0]["tries"]) == 4


def test_a_receiver_that_hangs_delays_nothing_else(w, c):
    w["rx"].answers["/hang"] = ["hang"]
    register(c, w, "/hang", token="svc2")
    quick = register(c, w, "/quick")
    sent = time.monotonic()
    forward(c, w)
    first = w["rx"].wait("/quick", 1, 5)[0]
    w["rx"].wait("/hang", 1, 5)
    assert first["t"] - sent < 1.5, first["t"] - sent
    sent = time.monotonic()
    forward(c, w)  # while the first POST to /hang still hangs (4 s timeout)
    second = w["rx"].wait("/quick", 2, 5)[1]
    assert second["t"] - sent < 1.5, second["t"] - sent
    assert len(w["rx"].at("/hang")) <= 2
    assert [d["status"] for d in settled(c, w, quick)][:2] == ["delivered", "delivered"]


INSIDE = ["https://127.0.0.1/hook", "https://127.1/hook", "https://2130706433/hook", "https://0x7f000001/hook",
          "https://10.0.0.7/hook", "https://172.16.5.4/hook", "https://192.168.1.1/hook", "https://100.100.100.200/hook",
          "https://169.254.169.254/latest/meta-data", "https://0.0.0.0/hook", "https://[::1]/hook",
          "https://[::ffff:127.0.0.1]/hook", "https://[::ffff:a9fe:a9fe]/hook", "https://[fe80::1]/hook",
          "https://[fd00:ec2::254]/hook", "https://[64:ff9b::a00:1]/hook", "http://127.0.0.1:9/hook"]


def test_registration_refuses_internal_addresses(db, w):
    """SSRF: with webhook_allow_hosts unset, an endpoint whose host is a loopback, private (RFC 1918, ULA),
    shared, link-local or metadata address, in any spelling, is refused with a type of its own; a name is
    taken (its addresses are checked at delivery)."""
    s = Server(env_extra=dict(keyed_env(db), DAFTAR_WEBHOOK_INSECURE_LOOPBACK="on"))
    try:
        with httpx.Client(base_url=s.url, http2=True, http1=False, timeout=20) as c:
            svc = service_token(c, db, w["a"], "webhooks,files:read")
            for url in INSIDE:
                r = c.post(hooks(w), headers=bearer(svc), json={"url": url, "types": ["file.*"]})
                assert r.status_code == 422, (url, r.status_code)
                assert_problem(r, 422, "webhook-address-not-allowed")
            r = c.post(hooks(w), headers=bearer(svc), json={"url": "https://hooks.example.org/x", "types": ["file.*"]})
            assert r.status_code == 201, r.text
    finally:
        s.stop()


def test_delivery_checks_the_resolved_address(w, c):
    """SSRF after DNS: a name that resolves to 127.0.0.1 passes registration, but the deliverer checks the
    address it connects to, and only `localhost` is allowed here by name: refused, logged, never sent."""
    name = socket.gethostname()
    try:
        addrs = {a[4][0] for a in socket.getaddrinfo(name, 443)}
    except OSError:
        addrs = set()
    if name.lower() == "localhost" or not addrs or not all(a.startswith("127.") or a == "::1" for a in addrs):
        pytest.skip("the host name does not resolve to loopback here")
    url = "https://%s:%d/rebound" % (name, w["rx"].port)
    r = c.post(hooks(w), headers=bearer(w["svc2"]), json={"url": url, "types": ["file.*"]})
    assert r.status_code == 201, r.text
    hook = r.json()
    forward(c, w)
    deadline = time.monotonic() + 10
    while not any(d["tries"] for d in log(c, w, hook, token="svc2")):
        assert time.monotonic() < deadline, "no try logged"
        time.sleep(0.1)
    tries = log(c, w, hook, token="svc2")[0]["tries"]
    assert tries[0]["http_status"] is None and "not allowed" in (tries[0]["error"] or ""), tries[0]
    assert w["rx"].at("/rebound") == []
    c.delete(hooks(w) + "/" + hook["id"], headers=bearer(w["svc2"]))
