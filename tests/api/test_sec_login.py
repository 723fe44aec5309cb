"""Sign-in hardening (security review items 3, 9, 10, 13, 14).

3:  25 logins multiplexed on one HTTP/2 connection, 24 wrong then the right one: the right one
    succeeded; attempts are now reserved in PostgreSQL before the password is hashed.
14: a lockout any address could cause: failures now lock an account for one address, and
    locked everywhere only after login_account_limit failures.
9:  with a second factor, the answer told whether the password was right.
10: POST /v1/me/password allowed unlimited guesses of the current password.
13: scrypt at N=2^15: now 2^17 by default, rehashed at the next right password.
"""
import asyncio
import json

import httpx
import pytest

from conftest import SCRYPT_LOG_N, Server, assert_problem, keyed_env
from test_auth import PASSWORD, Officers, bearer, login, tokens
from test_totp import enrol, oathtool


@pytest.fixture(scope="module")
def w(db, tmp_path_factory):
    env = keyed_env(db)
    dept = db.add_dept("sli")
    off = Officers(db, str(tmp_path_factory.mktemp("pw")))
    s = Server(env_extra=dict(env, DAFTAR_LOGIN_ACCOUNT_LIMIT="12"))
    s.wait_ready()
    yield {"dept": dept, "off": off, "server": s, "db": db, "env": env}
    s.stop()


def client(w, source=None):
    transport = httpx.HTTPTransport(local_address=source) if source else None
    return httpx.Client(base_url=w["server"].url, timeout=30, transport=transport, http1=False, http2=True)


def attempt(c, uid, password, totp=None):
    body = {"grant_type": "password", "uid": uid, "password": password}
    if totp:
        body["totp"] = totp
    return c.post("/v1/auth/token", json=body)


def pair_failures(w, uid, addr):
    return w["db"].psql("SELECT coalesce(max(failures), 0) FROM daftar.login_failures WHERE uid = '%s' AND addr = '%s'"
                        % (uid, addr)).stdout.strip()


def test_a_multiplexed_burst_cannot_outrun_the_lockout(w):
    uid = w["off"].add(w["dept"])[0]

    async def burst():
        async with httpx.AsyncClient(base_url=w["server"].url, http1=False, http2=True, timeout=60) as c:
            bodies = [{"grant_type": "password", "uid": uid, "password": "wrong-%02d-password" % i} for i in range(24)]
            bodies.append({"grant_type": "password", "uid": uid, "password": PASSWORD})
            return await asyncio.gather(*[c.post("/v1/auth/token", json=b) for b in bodies])

    answers = asyncio.run(burst())
    assert [r.status_code for r in answers].count(200) == 0, "a guess got through the lockout"
    assert pair_failures(w, uid, "127.0.0.1") == "5"  # five guesses were tried; the rest never reached a hash


def test_lockout_is_per_address_with_a_slow_account_wide_backstop(w):
    uid = w["off"].add(w["dept"])[0]
    with client(w, "127.0.0.5") as attacker:
        for _ in range(6):
            assert_problem(attempt(attacker, uid, "not-the-password"), 401)
        assert_problem(attempt(attacker, uid, PASSWORD), 401)  # locked for this address
    with client(w, "127.0.0.6") as officer:
        assert attempt(officer, uid, PASSWORD).status_code == 200  # not for the officer's own
    # the backstop (login_account_limit = 12 on this server): guesses from many addresses
    for source in ("127.0.0.7", "127.0.0.8", "127.0.0.9"):
        with client(w, source) as c:
            for _ in range(4):
                assert_problem(attempt(c, uid, "not-the-password"), 401)
    with client(w, "127.0.0.10") as officer:
        assert_problem(attempt(officer, uid, PASSWORD), 401)


def test_with_a_second_factor_every_failure_answers_alike(w):
    uid = w["off"].add(w["dept"])[0]
    with client(w, "127.0.0.11") as c:
        secret = enrol(c, tokens(c, uid)["access_token"])
        answers = [attempt(c, uid, "not-the-password"),             # wrong password, no code
                   attempt(c, uid, PASSWORD),                       # right password, no code
                   attempt(c, uid, PASSWORD, "000000"),             # right password, wrong code
                   attempt(c, uid, "not-the-password", oathtool(secret))]  # wrong password, right code
        shapes = set()
        for r in answers:
            body = assert_problem(r, 401)
            body.pop("instance", None)
            body.pop("request_id", None)
            shapes.add((r.status_code, r.headers.get("www-authenticate"), json.dumps(body, sort_keys=True)))
        assert len(shapes) == 1, shapes
        assert attempt(c, uid, PASSWORD, oathtool(secret, 30)).status_code == 200


def test_guesses_of_the_current_password_count_as_failed_sign_ins(w):
    uid = w["off"].add(w["dept"])[0]
    with client(w, "127.0.0.12") as c:
        h = bearer(tokens(c, uid)["access_token"])
        for _ in range(5):
            r = c.post("/v1/me/password", headers=h, json={"current_password": "a-wrong-guess", "new_password": "N" * 14})
            assert_problem(r, 400)
        r = c.post("/v1/me/password", headers=h, json={"current_password": PASSWORD, "new_password": "N" * 14})
        assert_problem(r, 429)  # even the right one, once locked
        assert_problem(attempt(c, uid, PASSWORD), 401)


def test_owasp_scrypt_cost_by_default_and_rehash_at_sign_in(w):
    assert SCRYPT_LOG_N == "14"  # officers of this suite are stored at 2^14
    uid = w["off"].add(w["dept"])[0]
    stored = "SELECT password_hash FROM daftar.credentials WHERE uid = '%s'" % uid
    assert w["db"].psql(stored).stdout.startswith("$scrypt$ln=14,")
    s = Server(env_extra=dict(w["env"], DAFTAR_PASSWORD_SCRYPT_LOG_N="17"))
    try:
        s.wait_ready()
        with httpx.Client(base_url=s.url, timeout=30) as c:
            assert login(c, uid).status_code == 200
            assert w["db"].psql(stored).stdout.startswith("$scrypt$ln=17,r=8,p=1$")
            assert login(c, uid).status_code == 200  # the new hash verifies
            assert_problem(attempt(c, uid, "not-the-password"), 401)
    finally:
        s.stop()
