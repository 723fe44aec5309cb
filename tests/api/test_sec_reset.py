"""Second-factor reset (security review items 4 and 7).

4: a refresh token taken before the reset kept working, so whoever held it could enrol their own
   authenticator and lock the officer out: the reset revokes every refresh token of the officer.
7: the admin of any department where the target merely held a membership could reset it; now only
   a dept_admin of the target's home department, never for oneself, never a weaker admin, and the
   officer sees the reset on GET /v1/me.
"""
import hashlib
import os
import secrets
import subprocess
import threading
import time

import httpx
import pytest

from conftest import BIN, PGHOST, PGPORT, Server, assert_problem, keyed_env
from test_auth import PASSWORD, Officers, bearer, tokens
from test_totp import enrol, oathtool


@pytest.fixture(scope="module")
def w(db, tmp_path_factory):
    env = keyed_env(db)
    a, b, c3 = db.add_dept("rsa"), db.add_dept("rsb"), db.add_dept("rsc")
    off = Officers(db, str(tmp_path_factory.mktemp("pw")))
    s = Server(env_extra=env)
    s.wait_ready()
    yield {"a": a, "b": b, "c": c3, "off": off, "server": s, "db": db}
    s.stop()


@pytest.fixture
def c(w):
    with httpx.Client(base_url=w["server"].url, http1=False, http2=True, timeout=20) as client:
        yield client


def signed_in_with_code(c, uid):
    """Enrol a second factor (the password-only token allows only that), then sign in with a code."""
    secret = enrol(c, tokens(c, uid)["access_token"])
    r = c.post("/v1/auth/token", json={"grant_type": "password", "uid": uid, "password": PASSWORD,
                                       "totp": oathtool(secret, 30)})
    assert r.status_code == 200, r.text
    return r.json()


def reset(c, admin_token, dept, uid):
    return c.delete("/v1/departments/%s/officers/%s/totp" % (dept, uid), headers=bearer(admin_token))


def test_reset_only_from_the_home_department_revokes_refresh_and_is_shown(c, w):
    admin_a = w["off"].add(w["a"], "officer,dept_admin")[0]
    admin_b = w["off"].add(w["b"], "officer,dept_admin")[0]
    x = w["off"].add(w["a"])[0]  # home department a, also a member of b
    w["db"].cli("officer", "grant", x, "--dept", w["b"], "--role", "officer")
    ta, tb = signed_in_with_code(c, admin_a)["access_token"], signed_in_with_code(c, admin_b)["access_token"]
    tx = signed_in_with_code(c, x)
    # b's admin: x merely holds a membership there
    assert_problem(reset(c, tb, w["b"], x), 403)
    assert w["db"].psql("SELECT totp_enabled FROM daftar.credentials WHERE uid = '%s'" % x).stdout.strip() == "t"
    # the home department's admin may
    assert reset(c, ta, w["a"], x).status_code == 204
    # the refresh token taken before the reset is dead
    r = c.post("/v1/auth/token", json={"grant_type": "refresh_token", "refresh_token": tx["refresh_token"]})
    assert_problem(r, 401)
    # the officer signs in again and is told
    me = c.get("/v1/me", headers=bearer(tokens(c, x)["access_token"])).json()
    assert me["second_factor"] is False
    assert len(me["security_events"]) == 1
    e = me["security_events"][0]
    assert (e["kind"], e["by"], e["dept"]) == ("second_factor_reset", admin_a, w["a"])


def test_no_weaker_admin_and_not_oneself(c, w):
    admin_a = w["off"].add(w["a"], "officer,dept_admin")[0]
    ta = signed_in_with_code(c, admin_a)["access_token"]
    y = w["off"].add(w["a"], "officer,dept_admin")[0]
    w["db"].cli("officer", "grant", y, "--dept", w["c"], "--role", "officer,dept_admin")
    signed_in_with_code(c, y)
    # y administers c, which admin_a does not: a weaker admin
    assert_problem(reset(c, ta, w["a"], y), 403)
    # oneself
    assert_problem(reset(c, ta, w["a"], admin_a), 403)
    assert w["db"].psql("SELECT count(*) FROM daftar.credentials WHERE uid IN ('%s', '%s') AND totp_enabled"
                        % (y, admin_a)).stdout.strip() == "2"
    # an equal admin of both departments may
    both = w["off"].add(w["a"], "officer,dept_admin")[0]
    w["db"].cli("officer", "grant", both, "--dept", w["c"], "--role", "officer,dept_admin")
    assert reset(c, signed_in_with_code(c, both)["access_token"], w["a"], y).status_code == 204


def test_refresh_token_taken_before_a_reset_cannot_enrol_an_authenticator(c, w):
    admin_a = w["off"].add(w["a"], "officer,dept_admin")[0]
    ta = signed_in_with_code(c, admin_a)["access_token"]
    x = w["off"].add(w["a"])[0]
    stolen = signed_in_with_code(c, x)["refresh_token"]
    assert reset(c, ta, w["a"], x).status_code == 204
    r = c.post("/v1/auth/token", json={"grant_type": "refresh_token", "refresh_token": stolen})
    assert_problem(r, 401)
    assert w["db"].psql("SELECT count(*) FROM daftar.refresh_tokens WHERE uid = '%s' AND revoked_at IS NULL"
                        % x).stdout.strip() == "0"


def memberships(db, uid):
    return db.psql("SELECT dept || ':' || array_to_string(roles, ',') FROM daftar.memberships WHERE uid = '%s' "
                   "ORDER BY dept" % uid).stdout.split()


def test_nobody_grants_or_revokes_their_own_membership_whatever_the_path(w):
    """Item 8, grant and revoke as well as a role change: the catalog refuses any change to the member
    a request runs for, even made by a function running as the catalog's owner (the API's PATCH is
    test_officers.py::test_nobody_changes_their_own_membership); the operator's CLI runs for no officer."""
    db, me = w["db"], w["off"].add(w["a"], "officer,hr_admin")[0]
    before = memberships(db, me)
    changes = {"grant": "INSERT INTO daftar.memberships (uid, dept, roles) VALUES ('%s', '%s', '{officer,records_officer}')"
                        % (me, w["b"]),
               "role change": "UPDATE daftar.memberships SET roles = '{officer,hr_admin,records_officer}' "
                              "WHERE uid = '%s' AND dept = '%s'" % (me, w["a"]),
               "revoke": "DELETE FROM daftar.memberships WHERE uid = '%s' AND dept = '%s'" % (me, w["a"])}
    for what, sql in changes.items():
        p = db.psql("BEGIN; SELECT set_config('daftar.officer_uid', '%s', true); %s; COMMIT" % (me, sql),
                    user="daftar_owner", check=False)
        assert p.returncode != 0 and "Nobody changes their own membership" in p.stderr, "%s: %s" % (what, p.stderr)
    assert memberships(db, me) == before
    # run for another officer, the same statements go through; and so does the operator's CLI
    other = w["off"].add(w["a"], "officer,dept_admin")[0]
    db.psql("BEGIN; SELECT set_config('daftar.officer_uid', '%s', true); %s; COMMIT" % (other, changes["grant"]),
            user="daftar_owner")
    db.cli("officer", "revoke", me, "--dept", w["b"])
    db.cli("officer", "grant", me, "--dept", w["b"], "--role", "officer")
    assert memberships(db, me) == sorted(before + ["%s:officer" % w["b"]])


def refresh(c, token):
    return c.post("/v1/auth/token", json={"grant_type": "refresh_token", "refresh_token": token})


def token_hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


def wait_for(db, sql, timeout=10.0):
    t0 = time.monotonic()
    while db.psql(sql).stdout.strip() != "t":
        assert time.monotonic() - t0 < timeout, "still not: " + sql
        time.sleep(0.05)


def test_a_rotation_in_flight_at_the_reset_gives_no_live_refresh_token(c, w):
    """Item 4, the race: the holder of a stolen refresh token rotates it while the admin resets. The
    rotation locked its token first, the reset waited for it and then revoked the tokens it could see,
    not the successor the rotation had just added; that successor kept the family alive."""
    db, admin_a = w["db"], w["off"].add(w["a"], "officer,dept_admin")[0]
    ta = signed_in_with_code(c, admin_a)["access_token"]
    x = w["off"].add(w["a"])[0]
    stolen = signed_in_with_code(c, x)
    successor = "rt_" + secrets.token_urlsafe(32)
    # the attacker's rotation, as the server runs it (daftar_api, auth_refresh), held open before its commit
    s = subprocess.Popen(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", PGHOST, "-p", PGPORT, "-U", "daftar_api",
                          "-d", db.name], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    s.stdin.write("BEGIN;\nSELECT daftar.refresh_rotate('%s', '%s', 3600);\n"
                  % (token_hash(stolen["refresh_token"]), token_hash(successor)))
    s.stdin.flush()
    done = {}
    try:
        wait_for(db, "SELECT EXISTS (SELECT FROM pg_stat_activity WHERE datname = current_database() "
                     "AND usename = 'daftar_api' AND state = 'idle in transaction')")

        def admin_resets():
            with httpx.Client(base_url=w["server"].url, http1=False, http2=True, timeout=30) as c2:
                done["reset"] = reset(c2, ta, w["a"], x)

        t = threading.Thread(target=admin_resets)
        t.start()
        # the reset waits for the rotation's lock (when it takes none, it has finished by now)
        try:
            wait_for(db, "SELECT EXISTS (SELECT FROM pg_stat_activity WHERE datname = current_database() "
                         "AND wait_event_type = 'Lock')", timeout=3)
        except AssertionError:
            pass
        s.stdin.write("COMMIT;\n")
        s.stdin.close()
        assert s.wait(timeout=30) == 0, s.stderr.read()
        t.join(timeout=30)
    finally:
        if s.poll() is None:
            s.kill()
    assert done["reset"].status_code == 204, done["reset"].text
    # neither the successor the rotation made nor anything before the reset works
    assert_problem(refresh(c, successor), 401)
    assert_problem(c.get("/v1/me", headers=bearer(stolen["access_token"])), 401)
    assert_problem(refresh(c, stolen["refresh_token"]), 401)


def test_a_sign_in_checked_before_the_reset_and_recorded_after_it_starts_no_family(c, w):
    """Item 4, the other race: a sign-in reads the credentials (login_begin), checks the password and
    the code on a worker (scrypt), then records its success (login_ok, which starts the refresh
    family). A reset while it hashed removed the secret the code was checked against, yet the family
    started after the reset and lived. The officer's password is hashed at 2^17 (0.65 s here) so the
    reset lands inside the hashing."""
    db, admin_a = w["db"], w["off"].add(w["a"], "officer,dept_admin")[0]
    ta = signed_in_with_code(c, admin_a)["access_token"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("DAFTAR_")}
    env.update(db.env(), DAFTAR_PASSWORD_SCRYPT_LOG_N="17")
    pw = os.path.join(w["off"].tmp, "pw")
    with open(pw, "w") as f:
        f.write(PASSWORD)
    out = subprocess.run([BIN, "officer", "add", "--dept", w["a"], "--name", "Slow", "--role", "officer",
                          "--password-file", pw], env=env, check=True, capture_output=True, text=True).stdout
    x = out.split("uid: ")[1].split()[0]
    secret = enrol(c, tokens(c, x)["access_token"])  # the confirmation used this 30 s step's code
    signed = {}

    def officer_signs_in():
        with httpx.Client(base_url=w["server"].url, http1=False, http2=True, timeout=30) as c2:
            signed["r"] = c2.post("/v1/auth/token", json={"grant_type": "password", "uid": x, "password": PASSWORD,
                                                         "totp": oathtool(secret, 30)})
            signed["at"] = time.monotonic()

    t = threading.Thread(target=officer_signs_in)
    t.start()
    # login_begin has read the credentials (it counts the attempt until the password proves right)
    wait_for(db, "SELECT failed_count > 0 FROM daftar.credentials WHERE uid = '%s'" % x)
    assert reset(c, ta, w["a"], x).status_code == 204
    reset_at = time.monotonic()
    t.join(timeout=30)
    assert signed["at"] > reset_at, "the sign-in finished before the reset: the race was not run"
    assert signed["r"].status_code in (200, 401), signed["r"].text
    if signed["r"].status_code == 200:
        assert_problem(refresh(c, signed["r"].json()["refresh_token"]), 401)
        assert_problem(c.get("/v1/me", headers=bearer(signed["r"].json()["access_token"])), 401)
