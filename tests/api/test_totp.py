"""Second factor (RFC 6238): enrolment, login with codes from oathtool, replay, admin reset."""
import os
import subprocess
import time

import httpx
import jwt as pyjwt
import pytest

from conftest import Server, assert_problem, keyed_env
from test_auth import PASSWORD, Officers, bearer, login, tokens


def oathtool(secret, offset=0):
    args = ["oathtool", "--totp", "-b", secret]
    if offset:
        args += ["-N", "now + %d seconds" % offset]
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout.strip()


def wait_for_fresh_window():
    """Stay clear of a 30 s boundary so 'now' and 'now + 30 s' are the steps we think."""
    while time.time() % 30 > 25:
        time.sleep(0.5)


@pytest.fixture(scope="module")
def setup(db, tmp_path_factory):
    env = keyed_env(db)
    dept = db.add_dept("tot")
    off = Officers(db, str(tmp_path_factory.mktemp("pw")))
    s = Server(env_extra=env)
    s.wait_ready()
    yield {"dept": dept, "off": off, "server": s}
    s.stop()


@pytest.fixture
def c(setup):
    with httpx.Client(base_url=setup["server"].url, http1=False, http2=True, timeout=20) as client:
        yield client


def enrol(c, token):
    r = c.post("/v1/me/totp", headers=bearer(token))
    assert r.status_code == 201, r.text
    secret = r.json()["secret"]
    assert r.json()["otpauth_uri"].startswith("otpauth://totp/daftar:")
    wait_for_fresh_window()
    r = c.post("/v1/me/totp/confirm", headers=bearer(token), json={"code": oathtool(secret)})
    assert r.status_code == 204, r.text
    return secret


def test_dept_admin_must_enrol_then_sign_in_with_codes(c, setup):
    uid, _ = setup["off"].add(setup["dept"], "officer,dept_admin")
    t = tokens(c, uid)
    assert t["second_factor_enrolment_required"] is True
    h = bearer(t["access_token"])
    assert_problem(c.get("/v1/departments/%s/officers" % setup["dept"], headers=h), 403)
    assert c.get("/v1/me", headers=h).status_code == 200
    # a wrong confirmation code is refused, and enrolment can start only once confirmed... twice is fine before
    r = c.post("/v1/me/totp", headers=h)
    assert r.status_code == 201
    assert_problem(c.post("/v1/me/totp/confirm", headers=h, json={"code": "000000"}), 400)
    secret = enrol(c, t["access_token"])
    assert_problem(c.post("/v1/me/totp", headers=h), 409)  # already enrolled
    # now the password alone is not enough; the answer is that of a wrong password (test_sec_login)
    body = assert_problem(login(c, uid), 401)
    assert "one-time code" in body["detail"]
    # the code of the next step (oathtool's): accepted, amr has otp, full access
    code = oathtool(secret, 30)
    r = c.post("/v1/auth/token", json={"grant_type": "password", "uid": uid, "password": PASSWORD, "totp": code})
    assert r.status_code == 200, r.text
    t2 = r.json()
    assert t2["second_factor_enrolment_required"] is False
    assert pyjwt.decode(t2["access_token"], options={"verify_signature": False})["amr"] == ["pwd", "otp"]
    assert c.get("/v1/departments/%s/officers" % setup["dept"], headers=bearer(t2["access_token"])).status_code == 200
    # the same code a second time: refused, with the answer of any failure (test_sec_login)
    r = c.post("/v1/auth/token", json={"grant_type": "password", "uid": uid, "password": PASSWORD, "totp": code})
    body = assert_problem(r, 401)
    assert "one-time code" in body["detail"]
    # refresh keeps the second factor in amr
    r = c.post("/v1/auth/token", json={"grant_type": "refresh_token", "refresh_token": t2["refresh_token"]})
    assert r.status_code == 200
    assert "otp" in pyjwt.decode(r.json()["access_token"], options={"verify_signature": False})["amr"]


def test_malformed_totp_field_is_400(c, setup):
    uid, _ = setup["off"].add(setup["dept"])
    for bad in ("12345", "1234567", "abcdef", 123456):
        r = c.post("/v1/auth/token", json={"grant_type": "password", "uid": uid, "password": PASSWORD, "totp": bad})
        assert_problem(r, 400)


def test_confidential_clearance_requires_a_second_factor(c, setup):
    uid, _ = setup["off"].add(setup["dept"], "officer", clearance="confidential")
    assert tokens(c, uid)["second_factor_enrolment_required"] is True
    uid2, _ = setup["off"].add(setup["dept"], "officer", clearance="restricted")
    assert tokens(c, uid2)["second_factor_enrolment_required"] is False


def test_admin_resets_a_second_factor(c, setup):
    admin, _ = setup["off"].add(setup["dept"], "officer,dept_admin", clearance="secret")  # not below the target's
    ta = tokens(c, admin)
    admin_secret = enrol(c, ta["access_token"])
    target, _ = setup["off"].add(setup["dept"], "officer", clearance="secret")
    tt = tokens(c, target)
    enrol(c, tt["access_token"])
    r = c.post("/v1/auth/token", json={"grant_type": "password", "uid": admin, "password": PASSWORD,
                                       "totp": oathtool(admin_secret, 30)})
    assert r.status_code == 200, r.text
    ha = bearer(r.json()["access_token"])
    assert c.delete("/v1/departments/%s/officers/%s/totp" % (setup["dept"], target), headers=ha).status_code == 204
    # the target's earlier tokens stop; it signs in and must enrol again
    deadline = time.monotonic() + 1.5
    while c.get("/v1/me", headers=bearer(tt["access_token"])).status_code != 401:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert tokens(c, target)["second_factor_enrolment_required"] is True
    # a plain officer cannot reset anyone's, and nobody outside the department exists for it
    plain, _ = setup["off"].add(setup["dept"])
    hp = bearer(tokens(c, plain)["access_token"])
    assert_problem(c.delete("/v1/departments/%s/officers/%s/totp" % (setup["dept"], admin), headers=hp), 403)
    assert_problem(c.delete("/v1/departments/%s/officers/%s/totp" % (setup["dept"], "10000000004"), headers=ha), 404)
