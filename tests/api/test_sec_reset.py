"""Administrators and officers' credentials (security review items 8, 4 and 7).

8: an hr_admin granted itself records_officer: nobody changes their own membership, whatever the path.
4: a refresh token taken before a second-factor reset kept working, so whoever held it could enrol their
   own authenticator and lock the officer out: the reset raises the token generation and revokes every
   refresh family, also one a rotation or a sign-in in flight was adding (refresh tokens carry their
   generation, catalog 0017).
7: the admin of any department where the target merely held a membership could reset it; now only a
   dept_admin of the target's home department with powers strictly above the officer's, never for
   oneself; the state's operator resets the rest (CLI); the officer sees every reset on GET /v1/me.
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


def second_factors(db, *uids):
    """Which of these officers still have a second factor (set enrolled directly: targets need no sign-in)."""
    return db.psql("SELECT uid FROM daftar.credentials WHERE uid IN (%s) AND totp_enabled ORDER BY uid"
                   % ", ".join("'%s'" % u for u in uids)).stdout.split()


def test_no_admin_resets_an_equal_or_wider_one_nor_itself(c, w):
    """Item 7, 'weaker admin': a reset needs powers strictly above the officer's. A dept_admin of the
    home department resets plain officers and the hr_admins of departments it administers as
    dept_admin, cleared no higher than itself; never another dept_admin (equal, or wider when of a
    department it does not administer), an admin of a department it does not administer, an officer
    cleared above itself, or itself. An hr_admin resets nobody."""
    db, a, c3, add = w["db"], w["a"], w["c"], w["off"].add
    admin_a = add(a, "officer,dept_admin")[0]
    ta = signed_in_with_code(c, admin_a)["access_token"]
    th = tokens(c, add(a, "officer,hr_admin")[0])["access_token"]
    peer = add(a, "officer,dept_admin")[0]
    wider = add(a, "officer,dept_admin")[0]
    db.cli("officer", "grant", wider, "--dept", c3, "--role", "officer,dept_admin")
    hr_both = add(a, "officer,hr_admin")[0]
    db.cli("officer", "grant", hr_both, "--dept", c3, "--role", "officer,hr_admin")
    hr_a = add(a, "officer,hr_admin")[0]
    cleared = add(a, "officer", clearance="secret")[0]
    targets = [peer, wider, hr_both, hr_a, cleared]
    db.psql("UPDATE daftar.credentials SET totp_enabled = true, totp_secret = 'sealed' WHERE uid IN (%s)"
            % ", ".join("'%s'" % u for u in targets))
    for who, token, target in [("an equal dept_admin", ta, peer), ("a dept_admin of c too", ta, wider),
                               ("an hr_admin of c too", ta, hr_both), ("cleared above the admin", ta, cleared),
                               ("the admin itself", ta, admin_a), ("an hr_admin's reset", th, hr_a),
                               ("an hr_admin on a dept_admin", th, peer)]:
        r = reset(c, token, a, target)
        assert r.status_code == 403, "%s: %d %s" % (who, r.status_code, r.text)
    assert second_factors(db, *targets) == sorted(targets)
    # strictly stronger: the home department's dept_admin resets its hr_admin
    assert reset(c, ta, a, hr_a).status_code == 204
    # a dept_admin of a and c, cleared secret: the hr_admin of both and the secret officer too, no dept_admin
    both = add(a, "officer,dept_admin", clearance="secret")[0]
    db.cli("officer", "grant", both, "--dept", c3, "--role", "officer,dept_admin")
    tb = signed_in_with_code(c, both)["access_token"]
    assert reset(c, tb, a, hr_both).status_code == 204
    assert reset(c, tb, a, cleared).status_code == 204
    assert_problem(reset(c, tb, a, peer), 403)
    assert_problem(reset(c, tb, a, wider), 403)
    assert second_factors(db, *targets) == sorted([peer, wider])


def test_the_state_operator_resets_what_no_admin_may_and_the_officer_is_told(c, w):
    """Item 7, the state administrator: a dept_admin's second factor is reset by the operator,
    `daftar officer reset-second-factor UID`, with the same revocations; this and `reset-password`
    show on the officer's GET /v1/me, by nobody (the operator)."""
    db, y = w["db"], w["off"].add(w["a"], "officer,dept_admin")[0]
    ty = signed_in_with_code(c, y)
    out = db.cli("officer", "reset-second-factor", y).stdout
    assert y in out
    assert second_factors(db, y) == []
    assert_problem(refresh(c, ty["refresh_token"]), 401)
    deadline = time.monotonic() + 2
    while c.get("/v1/me", headers=bearer(ty["access_token"])).status_code != 401:
        assert time.monotonic() < deadline, "the access token still works after the reset"
        time.sleep(0.05)
    me = c.get("/v1/me", headers=bearer(tokens(c, y)["access_token"])).json()
    assert me["second_factor"] is False
    assert me["security_events"][0]["kind"] == "second_factor_reset"
    assert (me["security_events"][0]["by"], me["security_events"][0]["dept"]) == (None, None)
    temp = db.cli("officer", "reset-password", y).stdout.split("temporary password: ")[1].split()[0]
    me = c.get("/v1/me", headers=bearer(tokens(c, y, temp)["access_token"])).json()
    assert [e["kind"] for e in me["security_events"]] == ["password_reset", "second_factor_reset"]


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
