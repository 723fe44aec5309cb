"""Identity: login, tokens and every way a token must be refused."""
import base64
import json
import os
import signal
import subprocess
import sys
import threading
import time

import httpx
import jwt as pyjwt
import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from conftest import BIN, Server, assert_problem, keyed_env

PASSWORD = "correct horse battery staple"


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class Officers:
    def __init__(self, db, tmp):
        self.db, self.tmp = db, tmp

    def add(self, dept, roles="officer", password=PASSWORD, clearance=None, name="Officer"):
        args = ["officer", "add", "--dept", dept, "--name", name, "--role", roles, "--designation", "Section Officer"]
        if clearance:
            args += ["--clearance", clearance]
        if password is not None:
            pw = os.path.join(self.tmp, "pw")
            with open(pw, "w") as f:
                f.write(password)
            args += ["--password-file", pw]
        out = self.db.cli(*args).stdout
        uid = out.split("uid: ")[1].split()[0]
        temp = out.split("temporary password: ")[1].split()[0] if "temporary password" in out else None
        return uid, temp


@pytest.fixture(scope="module")
def env(db):
    return keyed_env(db)


@pytest.fixture(scope="module")
def world(db, env, tmp_path_factory):
    a, b = db.add_dept("ida", "Dept A"), db.add_dept("idb", "Dept B")
    off = Officers(db, str(tmp_path_factory.mktemp("pw")))
    return {"a": a, "b": b, "off": off,
            "admin_a": off.add(a, "officer,hr_admin")[0],
            "plain_a": off.add(a, "officer")[0],
            "admin_b": off.add(b, "officer,hr_admin")[0]}


@pytest.fixture(scope="module")
def api(env, world):
    s = Server(env_extra=env)
    s.wait_ready()
    yield s
    s.stop()


@pytest.fixture
def c(api):
    with httpx.Client(base_url=api.url, http1=False, http2=True, timeout=20) as client:
        yield client


def login(c, uid, password=PASSWORD):
    return c.post("/v1/auth/token", json={"grant_type": "password", "uid": uid, "password": password})


def tokens(c, uid, password=PASSWORD):
    r = login(c, uid, password)
    assert r.status_code == 200, r.text
    return r.json()


def bearer(token):
    return {"Authorization": "Bearer " + token}


def our_private_key(db, env, kid=None):
    """The test knows the master key, so it can sign with the server's real key."""
    where = "WHERE kid = '%s'" % kid if kid else "ORDER BY signs_from DESC LIMIT 1"
    row = db.psql("SELECT kid, private_enc FROM daftar.signing_keys " + where).stdout.strip().split("|")
    raw = bytes.fromhex(row[1])
    pem = AESGCM(bytes.fromhex(env["DAFTAR_MASTER_KEY"])).decrypt(raw[:12], raw[12:], None)
    return row[0], serialization.load_pem_private_key(pem, None)


def claims_for(uid, dept=None, **over):
    """The claims daftar issues: who and which session; memberships and clearance stay in the catalog."""
    now = int(time.time())
    c = {"iss": "daftar", "aud": "daftar-api", "sub": uid, "iat": now, "nbf": now, "exp": now + 600,
         "jti": "t" + str(now), "token_use": "access", "amr": ["pwd"], "gen": 0}
    c.update(over)
    return c


# ---------------------------------------------------------------- login

def test_login_and_me(c, world):
    t = tokens(c, world["admin_a"])
    assert t["token_type"] == "Bearer" and t["expires_in"] <= 900 and t["refresh_token"].startswith("rt_")
    assert t["password_change_required"] is False
    r = c.get("/v1/me", headers=bearer(t["access_token"]))
    assert r.status_code == 200, r.text
    me = r.json()
    assert me["uid"] == world["admin_a"] and me["home_dept"] == world["a"]
    assert me["memberships"] == [{"dept": world["a"], "roles": ["officer", "hr_admin"], "designation": "Section Officer"}]
    assert "hash" not in r.text and "password" not in json.dumps(me).replace("password_change_required", "")


def test_jwks_verifies_our_token_with_another_library(c, world):
    t = tokens(c, world["plain_a"])["access_token"]
    jwks = c.get("/.well-known/jwks.json")
    assert jwks.status_code == 200 and jwks.headers["content-type"] == "application/jwk-set+json"
    kid = pyjwt.get_unverified_header(t)["kid"]
    jwk = next(k for k in jwks.json()["keys"] if k["kid"] == kid)
    key = pyjwt.algorithms.ECAlgorithm.from_jwk(json.dumps(jwk))
    claims = pyjwt.decode(t, key, algorithms=["ES256"], audience="daftar-api", issuer="daftar")
    assert claims["sub"] == world["plain_a"] and claims["token_use"] == "access"
    assert claims["exp"] - claims["iat"] <= 900 and "jti" in claims and claims["amr"] == ["pwd"]


def test_mistyped_uid_is_refused_before_lookup(c, world):
    uid = world["plain_a"]
    typo = uid[:5] + str((int(uid[5]) + 1) % 10) + uid[6:]
    body = assert_problem(login(c, typo), 400, "invalid-request")
    assert body["errors"][0]["field"] == "uid"
    swapped = uid[:3] + uid[4] + uid[3] + uid[5:]
    if swapped != uid:
        assert login(c, swapped).status_code == 400


def test_unknown_uid_and_wrong_password_look_alike(c, world, env):
    unknown = "99999999990"
    # a UID with a right check digit that nobody has
    for check in range(10):
        cand = "9999999999" + str(check)
        r = login(c, cand, "whatever-password")
        if r.status_code != 400:
            unknown = cand
            break
    victim, _ = world["off"].add(world["a"])  # its failures lock it: nobody else's
    a = login(c, unknown, "whatever-password")
    b = login(c, victim, "wrong-password-here")
    assert a.status_code == b.status_code == 401
    ja, jb = a.json(), b.json()
    for k in ("request_id", "instance"):
        ja.pop(k), jb.pop(k)
    assert ja == jb
    assert a.headers.get("www-authenticate") == b.headers.get("www-authenticate")
    # Timed on a server of its own whose address limit lets 15 rounds through (the module's server stops
    # an address at 50 failures in 15 minutes, which left 5 rounds: on two loaded cores the fastest of 5
    # was 0.04 s for one and 0.22 for the other in a CI run, both answered alike on a quiet machine, 0.046
    # and 0.048). The order alternates so neither is always second in a burst of load.
    s = Server(env_extra=dict(env, DAFTAR_LOGIN_ADDRESS_LIMIT="1000"))
    try:
        s.wait_ready()
        with httpx.Client(base_url=s.url, http1=False, http2=True, timeout=20) as cs:
            ta, tb = [], []
            pairs = ((unknown, "whatever-password", ta), (victim, "wrong-password-here", tb))
            for i in range(15):
                for uid, pw, times in pairs if i % 2 == 0 else pairs[::-1]:
                    t0 = time.monotonic()
                    assert login(cs, uid, pw).status_code == 401
                    times.append(time.monotonic() - t0)
    finally:
        s.stop()
    # the fastest of each: the time the work takes; a busy machine only ever adds to it. An unknown UID
    # answered without a hash would be 10-100x faster (a lookup against an scrypt): a wide band still catches it.
    ratio = min(ta) / min(tb)
    assert 1 / 4 < ratio < 4, (ta, tb)


def test_lockout_after_repeated_failures(c, world):
    uid, _ = world["off"].add(world["a"])
    for _ in range(5):
        assert login(c, uid, "not-the-password").status_code == 401
    r = login(c, uid)  # right password, locked account: same answer as a wrong one
    assert_problem(r, 401, "unauthenticated")


def test_unknown_fields_and_bad_bodies_are_400(c, world):
    assert_problem(c.post("/v1/auth/token", json={"grant_type": "password", "uid": world["plain_a"],
                                                  "password": PASSWORD, "role": "dept_admin"}), 400)
    assert_problem(c.post("/v1/auth/token", json={"grant_type": "client_magic"}), 400)
    assert_problem(c.post("/v1/auth/token", content=b"grant_type=password", headers={"content-type": "text/plain"}), 415)
    assert_problem(c.post("/v1/auth/token", content=b'{"grant_type":"password","grant_type":"x"}',
                          headers={"content-type": "application/json"}), 400)
    assert_problem(c.post("/v1/auth/token", content=b"[" * 100 + b"]" * 100, headers={"content-type": "application/json"}), 400)


def test_temporary_password_must_be_changed_first(c, world):
    uid, temp = world["off"].add(world["a"], "officer,hr_admin", password=None)
    t = tokens(c, uid, temp)
    assert t["password_change_required"] is True
    h = bearer(t["access_token"])
    assert c.get("/v1/me", headers=h).status_code == 200
    assert_problem(c.get("/v1/departments/%s/officers" % world["a"], headers=h), 403)
    r = c.post("/v1/me/password", headers=h, json={"current_password": temp, "new_password": "short"})
    assert_problem(r, 400)
    r = c.post("/v1/me/password", headers=h, json={"current_password": "wrong-one-here", "new_password": PASSWORD})
    assert_problem(r, 400)
    r = c.post("/v1/me/password", headers=h, json={"current_password": temp, "new_password": PASSWORD})
    assert r.status_code == 200, r.text
    new = r.json()
    assert new["password_change_required"] is False
    assert c.get("/v1/departments/%s/officers" % world["a"], headers=bearer(new["access_token"])).status_code == 200
    # the token from the temporary password no longer works, nor does the temporary password
    deadline = time.monotonic() + 2
    while c.get("/v1/me", headers=h).status_code != 401:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert login(c, uid, temp).status_code == 401
    assert login(c, uid).status_code == 200
    # the change's refresh token is of the new generation; the earlier one is dead
    refresh = {"grant_type": "refresh_token"}
    assert c.post("/v1/auth/token", json=dict(refresh, refresh_token=new["refresh_token"])).status_code == 200
    assert_problem(c.post("/v1/auth/token", json=dict(refresh, refresh_token=t["refresh_token"])), 401)


# ----------------------------------------------------------- departments

def test_token_of_department_a_on_department_b_is_403(c, world):
    ha = bearer(tokens(c, world["admin_a"])["access_token"])
    assert c.get("/v1/departments/%s/officers" % world["a"], headers=ha).status_code == 200
    assert_problem(c.get("/v1/departments/%s/officers" % world["b"], headers=ha), 403)
    hb = bearer(tokens(c, world["admin_b"])["access_token"])
    listed = c.get("/v1/departments/%s/officers" % world["b"], headers=hb).json()["items"]
    assert world["admin_a"] not in [o["uid"] for o in listed]


def test_plain_officer_cannot_list_officers(c, world):
    h = bearer(tokens(c, world["plain_a"])["access_token"])
    assert_problem(c.get("/v1/departments/%s/officers" % world["a"], headers=h), 403)


def test_officer_list_pages(c, world):
    h = bearer(tokens(c, world["admin_a"])["access_token"])
    r = c.get("/v1/departments/%s/officers" % world["a"], headers=h, params={"limit": 1})
    page = r.json()
    assert len(page["items"]) == 1 and page["next_cursor"] == page["items"][0]["uid"]
    r2 = c.get("/v1/departments/%s/officers" % world["a"], headers=h, params={"limit": 1, "cursor": page["next_cursor"]})
    assert r2.json()["items"][0]["uid"] > page["items"][0]["uid"]
    assert_problem(c.get("/v1/departments/%s/officers" % world["a"], headers=h, params={"limit": 1000000}), 400)


# -------------------------------------------------------- token attacks

def refused(c, token, path="/v1/me"):
    r = c.get(path, headers=bearer(token))
    assert_problem(r, 401, "unauthenticated")
    assert r.headers["www-authenticate"].startswith("Bearer")


def test_alg_none_refused(c, world):
    for alg in ("none", "None", "NONE"):
        header = b64(json.dumps({"alg": alg, "typ": "JWT"}).encode())
        payload = b64(json.dumps(claims_for(world["admin_a"], world["a"])).encode())
        refused(c, header + "." + payload + ".")


def test_hs256_signed_with_our_public_key_refused(c, world):
    jwks = c.get("/.well-known/jwks.json").json()["keys"][0]
    pub = pyjwt.algorithms.ECAlgorithm.from_jwk(json.dumps(jwks))
    pem = pub.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    header = b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": jwks["kid"]}).encode())
    payload = b64(json.dumps(claims_for(world["admin_a"], world["a"])).encode())
    import hmac
    sig = hmac.new(pem, (header + "." + payload).encode(), "sha256").digest()
    refused(c, header + "." + payload + "." + b64(sig))


def test_foreign_key_and_unknown_or_hostile_kid_refused(c, world, db, env):
    kid, _ = our_private_key(db, env)
    foreign = ec.generate_private_key(ec.SECP256R1())
    cl = claims_for(world["admin_a"], world["a"])
    for k in (kid, "unknownkid1234", "../../etc/passwd", "x' OR '1'='1", "a" * 500):
        refused(c, pyjwt.encode(cl, foreign, algorithm="ES256", headers={"kid": k}))


def test_time_audience_issuer_and_kind_checks(c, world, db, env):
    kid, key = our_private_key(db, env)
    now = int(time.time())
    good = claims_for(world["admin_a"], world["a"])
    ok = pyjwt.encode(good, key, algorithm="ES256", headers={"kid": kid})
    assert c.get("/v1/me", headers=bearer(ok)).status_code == 200  # our forgery machinery works
    for bad in ({"exp": now - 120, "iat": now - 700, "nbf": now - 700},
                {"nbf": now + 600, "iat": now, "exp": now + 900},
                {"aud": "someone-else"}, {"iss": "evil"}, {"token_use": "refresh"},
                {"exp": now + 7200},  # longer than we ever issue
                {"sub": "12345678901"}, {"clr": "top_secret"}, {"amr": ["pwd", "magic"]},
                {"depts": {"x' OR 1=1": ["officer"]}}, {"gen": -1}, {"gen": "0"}):
        refused(c, pyjwt.encode(dict(good, **bad), key, algorithm="ES256", headers={"kid": kid}))


def test_url_key_headers_are_never_honoured(c, world, db, env):
    kid, key = our_private_key(db, env)
    cl = claims_for(world["admin_a"], world["a"])
    for extra in ({"jku": "http://127.0.0.1:1/jwks"}, {"x5u": "http://127.0.0.1:1/x"},
                  {"jwk": {"kty": "EC"}}, {"crit": ["exp"]}):
        refused(c, pyjwt.encode(cl, key, algorithm="ES256", headers=dict({"kid": kid}, **extra)))


def test_tampered_payload_refused(c, world):
    t = tokens(c, world["plain_a"])["access_token"]
    h, p, s = t.split(".")
    claims = json.loads(base64.urlsafe_b64decode(p + "=="))
    claims["sub"] = world["admin_a"]  # become the department's admin
    refused(c, h + "." + b64(json.dumps(claims).encode()) + "." + s, "/v1/departments/%s/officers" % world["a"])


def test_garbage_tokens_refused(c):
    for t in ("", "a.b", "a.b.c.d", "!!!.???.***", "x" * 5000, "eyJ.eyJ.", "\u00e9.\u00e9.\u00e9"):
        r = c.get("/v1/me", headers={"Authorization": ("Bearer " + t).encode("utf-8")})
        assert r.status_code in (400, 401), r.text
    assert_problem(c.get("/v1/me", headers={"Authorization": "Basic dXNlcjpwdw=="}), 401)
    assert_problem(c.get("/v1/me"), 401)


def test_access_token_as_refresh_and_refresh_as_access_refused(c, world):
    t = tokens(c, world["plain_a"])
    assert_problem(c.post("/v1/auth/token", json={"grant_type": "refresh_token",
                                                  "refresh_token": t["access_token"]}), 401)
    refused(c, t["refresh_token"])


# ------------------------------------------------------ refresh, logout

def test_refresh_rotates_and_reuse_revokes_the_family(c, world):
    t1 = tokens(c, world["plain_a"])
    r = c.post("/v1/auth/token", json={"grant_type": "refresh_token", "refresh_token": t1["refresh_token"]})
    assert r.status_code == 200, r.text
    t2 = r.json()
    assert t2["refresh_token"] != t1["refresh_token"]
    assert c.get("/v1/me", headers=bearer(t2["access_token"])).status_code == 200
    # the successor used in turn (so no lost answer can explain the old one: test_clients.py, refresh_replay_s)
    r = c.post("/v1/auth/token", json={"grant_type": "refresh_token", "refresh_token": t2["refresh_token"]})
    assert r.status_code == 200, r.text
    t3 = r.json()
    # the old one again: theft detected, the whole family dies
    assert_problem(c.post("/v1/auth/token", json={"grant_type": "refresh_token",
                                                  "refresh_token": t1["refresh_token"]}), 401)
    assert_problem(c.post("/v1/auth/token", json={"grant_type": "refresh_token",
                                                  "refresh_token": t3["refresh_token"]}), 401)


def test_logout_revokes_refresh(c, world):
    t = tokens(c, world["plain_a"])
    assert c.post("/v1/auth/logout", json={"refresh_token": t["refresh_token"]}).status_code == 204
    assert_problem(c.post("/v1/auth/token", json={"grant_type": "refresh_token",
                                                  "refresh_token": t["refresh_token"]}), 401)
    assert c.post("/v1/auth/logout", json={"refresh_token": "rt_" + "A" * 43}).status_code == 204


def test_suspension_stops_every_token_at_once(c, world, db):
    uid, _ = world["off"].add(world["a"])
    t = tokens(c, uid)
    h = bearer(t["access_token"])
    assert c.get("/v1/me", headers=h).status_code == 200  # now cached as verified
    db.cli("officer", "suspend", uid)
    deadline = time.monotonic() + 1.5
    while c.get("/v1/me", headers=h).status_code != 401:
        assert time.monotonic() < deadline, "suspension not seen within a second"
        time.sleep(0.05)
    assert_problem(c.post("/v1/auth/token", json={"grant_type": "refresh_token",
                                                  "refresh_token": t["refresh_token"]}), 401)
    assert login(c, uid).status_code == 401


def test_key_rotation_keeps_old_tokens_and_signs_with_the_new_key(c, world, db, env):
    old = tokens(c, world["plain_a"])["access_token"]
    old_kid = pyjwt.get_unverified_header(old)["kid"]
    p = db.cli("keys", "rotate", "--publish-ahead", "0", check=False)  # the cli() env lacks the master key
    assert p.returncode == 2 and "master_key" in p.stderr
    subprocess.run([os.environ.get("DAFTAR_BIN", "build/daftar"), "keys", "rotate", "--publish-ahead", "0"],
                   env=dict(os.environ, **env), check=True, capture_output=True)
    deadline = time.monotonic() + 2
    while True:
        kids = [k["kid"] for k in c.get("/.well-known/jwks.json").json()["keys"]]
        if len(kids) >= 2 and old_kid in kids:
            new = tokens(c, world["plain_a"])["access_token"]
            if pyjwt.get_unverified_header(new)["kid"] != old_kid:
                break
        assert time.monotonic() < deadline, "rotation not seen"
        time.sleep(0.05)
    assert c.get("/v1/me", headers=bearer(old)).status_code == 200
    assert c.get("/v1/me", headers=bearer(new)).status_code == 200
    assert pyjwt.get_unverified_header(new)["kid"] in kids


# ------------------------------------------------------ not on the loop

def test_password_hashing_does_not_stall_other_requests(api, world):
    """30 logins hash with scrypt while cheap requests keep flowing."""
    lat, stop = [], threading.Event()

    def cheap():
        with httpx.Client(base_url=api.url, http1=False, http2=True, timeout=20) as c:
            while not stop.is_set():
                t0 = time.monotonic()
                assert c.get("/healthz").status_code == 200
                lat.append(time.monotonic() - t0)

    failed = []

    def logins(uid, n):
        with httpx.Client(base_url=api.url, timeout=60) as c:
            for _ in range(n):
                r = login(c, uid)
                if r.status_code != 200:
                    failed.append(r.status_code)

    # one officer per thread: logins of one account in flight at once count as guesses (test_sec_login)
    officers = [world["off"].add(world["a"])[0] for _ in range(6)]
    t = threading.Thread(target=cheap)
    t.start()
    workers = [threading.Thread(target=logins, args=(uid, 5)) for uid in officers]
    t0 = time.monotonic()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    elapsed = time.monotonic() - t0
    stop.set()
    t.join()
    assert not failed and len(lat) > 20, failed
    # 30 scrypt hashes took `elapsed` seconds; had they run on the event loops, cheap
    # requests would have waited for them. Wide margin: behaviour, not speed.
    assert max(lat) < max(0.5, elapsed / 4), (max(lat), elapsed)


def thread_policies(pid):
    """Scheduling policy of each thread of pid (field 41 of /proc/PID/task/TID/stat; 5 = SCHED_IDLE)."""
    out = []
    for tid in os.listdir("/proc/%d/task" % pid):
        try:
            with open("/proc/%d/task/%s/stat" % (pid, tid)) as f:
                out.append(int(f.read().rsplit(")", 1)[1].split()[38]))
        except FileNotFoundError:
            pass
    return sorted(out)


def worker_helpers(pid):
    """The pids of daftar's worker helper processes (`daftar worker-helper`, lib/http/worker.c)."""
    out = []
    for p in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open("/proc/%s/stat" % p) as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            with open("/proc/%s/cmdline" % p, "rb") as f:
                argv = f.read().split(b"\0")
        except (FileNotFoundError, ProcessLookupError, ValueError, NotADirectoryError):
            continue
        if ppid == pid and argv[1:2] == [b"worker-helper"]:
            out.append(int(p))
    return out


def test_hashing_runs_in_a_helper_of_its_own_session_restarted_when_it_dies(env, world):
    """scrypt runs in a helper process in a session of its own (its own autogroup) at autogroup nice 19, in the
    idle class: an idle-class thread alone in daftar's group would get a whole group's share against PostgreSQL's
    (bench/README.md, issue 25 part 3). A helper killed in the middle of a sign-in: that sign-in answers 503 with
    Retry-After (not a wrong password), and the next is hashed by a new helper; likewise an officer's creation.
    Never lifted here (the lift is the next test's): on a busy machine a starved hash would be, and the helper
    seen at nice 0."""
    s = Server(env_extra=dict(env, DAFTAR_WORKERS="1", DAFTAR_WORKER_STARVE_MS="60000"))
    uid = world["off"].add(world["a"])[0]
    try:
        s.wait_ready()
        with httpx.Client(base_url=s.url, timeout=30) as c:
            assert login(c, uid).status_code == 200
        helpers = worker_helpers(s.proc.pid)
        assert len(helpers) == 1, helpers
        h = helpers[0]
        assert os.getsid(h) == h != os.getsid(s.proc.pid)
        with open("/proc/%d/autogroup" % h) as f:
            assert f.read().split()[-1] == "19"
        assert os.sched_getscheduler(h) == os.SCHED_IDLE
        # stopped, it takes the next request into its socket and never answers; killed then, the worker sees it end
        os.kill(h, signal.SIGSTOP)
        got = []

        def one():
            with httpx.Client(base_url=s.url, timeout=30) as c:
                got.append(login(c, uid))

        t = threading.Thread(target=one)
        t.start()
        time.sleep(1.0)
        assert t.is_alive()  # waiting for the stopped helper
        os.kill(h, signal.SIGKILL)
        t.join(20)
        assert not t.is_alive() and got[0].status_code == 503, got
        assert got[0].headers.get("retry-after") and got[0].headers["content-type"].startswith("application/problem+json")
        with httpx.Client(base_url=s.url, timeout=30) as c:
            assert login(c, uid).status_code == 200
        again = worker_helpers(s.proc.pid)
        assert len(again) == 1 and again[0] != h and os.getsid(again[0]) == again[0], (h, again)
        assert not os.path.exists("/proc/%d" % h)  # reaped, not left a zombie
        # the same for an officer's creation (its temporary password is hashed there): 503, then created
        with httpx.Client(base_url=s.url, timeout=30) as c:
            auth = bearer(tokens(c, world["admin_a"])["access_token"])
        h = worker_helpers(s.proc.pid)[0]  # a login's rehash may have used it; still the one helper
        created = []

        def create():
            with httpx.Client(base_url=s.url, timeout=30) as c:
                created.append(c.post("/v1/departments/%s/officers" % world["a"], headers=auth,
                                      json={"name": "Helper Gone", "designation": "Assistant", "roles": ["officer"]}))

        os.kill(h, signal.SIGSTOP)
        t = threading.Thread(target=create)
        t.start()
        time.sleep(1.0)
        assert t.is_alive()
        os.kill(h, signal.SIGKILL)
        t.join(20)
        assert not t.is_alive() and created[0].status_code == 503 and created[0].headers.get("retry-after"), created
        with httpx.Client(base_url=s.url, timeout=30) as c:
            r = c.post("/v1/departments/%s/officers" % world["a"], headers=auth,
                       json={"name": "Helper Back", "designation": "Assistant", "roles": ["officer"]})
            assert r.status_code == 201, r.text
            listed = c.get("/v1/departments/%s/officers" % world["a"], headers=auth, params={"limit": 100}).json()
            assert "Helper Gone" not in str(listed)  # the refused creation left no officer behind
    finally:
        s.stop()


def test_workers_yield_the_cores_and_are_lifted_when_starved(db, env, world):
    """The scrypt/signing workers are SCHED_IDLE (the loops and PostgreSQL take the cores first). A queue
    behind a worker that runs does not lift them; a task that gets no core for worker_starve_ms does, until
    it is no longer starved."""
    s = Server(env_extra=dict(env, DAFTAR_WORKERS="3"))
    try:
        s.wait_ready()  # the workers set their class when they start, after the listener is up
        deadline = time.monotonic() + 5
        while (pol := thread_policies(s.proc.pid)).count(5) != 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert pol.count(5) == 3 and pol.count(0) == len(pol) - 3, pol
    finally:
        s.stop()
    s = Server(env_extra=dict(env, DAFTAR_WORKERS="1", DAFTAR_WORKER_STARVE_MS="150"))
    burners = []

    # one officer each: logins of one account in flight at once count as guesses (5 lock it, test_sec_login)
    officers = [world["off"].add(world["a"])[0] for _ in range(8)]

    def logins_watching_class(n):
        """n logins at once; the worker's idle-class count sampled meanwhile."""
        counts, answers = [], []

        def one(uid):
            with httpx.Client(base_url=s.url, timeout=60) as c:
                r = login(c, uid)
                answers.append((r.status_code, r.headers.get("retry-after")))

        # the module's other tests sign in wrongly from this address too: its failures would throttle these
        db.psql("DELETE FROM daftar.address_failures")
        threads = [threading.Thread(target=one, args=(officers[i],)) for i in range(n)]
        t0 = time.monotonic()
        for t in threads:
            t.start()
        while any(t.is_alive() for t in threads):
            counts.append(thread_policies(s.proc.pid).count(5))
            time.sleep(0.005)
        for t in threads:
            t.join()
        # an assert in a thread would only warn: the answers are checked here. Admission may refuse one at once
        # (429 with Retry-After; seen once in CI's ASan pass); the rest are signed in
        assert len(answers) == n and all(a == 200 or (a == 429 and ra) for a, ra in answers), answers
        assert sum(a == 200 for a, _ in answers) >= n - 1, answers
        return counts, time.monotonic() - t0

    try:
        s.wait_ready()
        # one worker, eight logins: the queue waits well over 150 ms, but the worker has a core
        busy = os.getloadavg()[0] >= os.cpu_count()
        counts, elapsed = logins_watching_class(8)
        busy = busy or os.getloadavg()[0] >= os.cpu_count()
        # (on a machine already busy with other work the worker may truly get no core, and then lifting
        # it is right: CI runs alone, a developer's machine running other suites may not)
        assert elapsed > 0.3 and (busy or 0 not in counts), (elapsed, counts, os.getloadavg())
        # every core taken by normal-class loops: the idle-class worker gets none until it is lifted
        burners = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(os.cpu_count() + 1)]
        time.sleep(0.2)
        counts, elapsed = logins_watching_class(2)
        # lifted, and the logins were answered. The sampler is itself a normal-class thread among the burners and
        # may miss a short lift (ASan pass beside other modules: every sample idle, the logins answered); an
        # idle-class worker never lifted gets ~3/1024 of a burner's share and would take minutes for them.
        assert 0 in counts or elapsed < 20, (elapsed, counts)
        for b in burners:
            b.kill()
            b.wait()
        burners = []
        deadline = time.monotonic() + 2
        while thread_policies(s.proc.pid).count(5) != 1:  # back in the idle class
            assert time.monotonic() < deadline, thread_policies(s.proc.pid)
            time.sleep(0.02)
    finally:
        for b in burners:
            b.kill()
        s.stop()
    bad = subprocess.run([BIN, "serve"], env=dict(os.environ, **env, DAFTAR_WORKER_STARVE_MS="60001"),
                         capture_output=True, text=True, timeout=20)
    assert bad.returncode != 0 and "worker_starve_ms" in bad.stderr
