"""Department administrators manage officers of their own department, and only those."""
import os
import subprocess
import time

import httpx
import pytest

from conftest import Server, assert_problem, keyed_env
from test_auth import PASSWORD, Officers, bearer, login, tokens


@pytest.fixture(scope="module")
def setup(db, tmp_path_factory):
    env = keyed_env(db)
    a, b = db.add_dept("ofa"), db.add_dept("ofb")
    off = Officers(db, str(tmp_path_factory.mktemp("pw")))
    s = Server(env_extra=env)
    s.wait_ready()
    w = {"a": a, "b": b, "off": off, "server": s,
         "hr_a": off.add(a, "officer,hr_admin")[0], "plain_a": off.add(a)[0], "hr_b": off.add(b, "officer,hr_admin")[0]}
    yield w
    s.stop()


@pytest.fixture
def c(setup):
    with httpx.Client(base_url=setup["server"].url, http1=False, http2=True, timeout=20) as client:
        yield client


def test_hr_admin_creates_an_officer_who_signs_in_and_must_change_password(c, setup):
    h = bearer(tokens(c, setup["hr_a"])["access_token"])
    r = c.post("/v1/departments/%s/officers" % setup["a"], headers=h,
               json={"name": "सुनीता वर्मा", "designation": "Assistant", "roles": ["officer", "records_officer"]})
    assert r.status_code == 201, r.text
    new = r.json()
    assert new["name"] == "सुनीता वर्मा" and new["clearance"] == "restricted" and len(new["uid"]) == 11
    t = tokens(c, new["uid"], new["temporary_password"])
    assert t["password_change_required"] is True
    listed = c.get("/v1/departments/%s/officers" % setup["a"], headers=h, params={"limit": 100}).json()["items"]
    assert new["uid"] in [o["uid"] for o in listed]
    assert "temporary_password" not in str(listed)


def test_admin_of_a_cannot_create_or_change_in_b(c, setup):
    h = bearer(tokens(c, setup["hr_a"])["access_token"])
    assert_problem(c.post("/v1/departments/%s/officers" % setup["b"], headers=h,
                          json={"name": "X", "roles": ["officer"]}), 403)
    assert_problem(c.patch("/v1/departments/%s/officers/%s" % (setup["b"], setup["hr_b"]), headers=h,
                           json={"roles": ["officer"]}), 403)
    # an officer of B through A's path: not in this department
    assert_problem(c.patch("/v1/departments/%s/officers/%s" % (setup["a"], setup["hr_b"]), headers=h,
                           json={"roles": ["officer"]}), 404)


def test_plain_officer_cannot_manage(c, setup):
    h = bearer(tokens(c, setup["plain_a"])["access_token"])
    assert_problem(c.post("/v1/departments/%s/officers" % setup["a"], headers=h,
                          json={"name": "X", "roles": ["officer"]}), 403)


def test_no_escalation(c, setup, db):
    h = bearer(tokens(c, setup["hr_a"])["access_token"])
    assert_problem(c.post("/v1/departments/%s/officers" % setup["a"], headers=h,
                          json={"name": "X", "roles": ["dept_admin"]}), 403)
    assert_problem(c.post("/v1/departments/%s/officers" % setup["a"], headers=h,
                          json={"name": "X", "roles": ["officer"], "clearance": "secret"}), 403)
    assert_problem(c.patch("/v1/departments/%s/officers/%s" % (setup["a"], setup["plain_a"]), headers=h,
                           json={"roles": ["dept_admin"]}), 403)
    n = db.psql("SELECT count(*) FROM daftar.officers WHERE name = 'X'").stdout.strip()
    assert n == "0"


@pytest.mark.parametrize("body", [{"name": "X"}, {"name": "", "roles": ["officer"]}, {"name": "X", "roles": []},
                                  {"name": "X", "roles": ["officer", "officer"]}, {"name": "X", "roles": ["king"]},
                                  {"name": "X", "roles": ["officer"], "home_dept": "other"},
                                  {"name": "X", "roles": ["officer"], "status": "active"},
                                  {"name": "X" * 201, "roles": ["officer"]}, {"name": 5, "roles": ["officer"]},
                                  {"name": "X'); DROP TABLE daftar.officers; --", "roles": ["officer"], "clearance": "x"}])
def test_bad_bodies_are_400_and_change_nothing(c, setup, db, body):
    h = bearer(tokens(c, setup["hr_a"])["access_token"])
    before = db.psql("SELECT count(*) FROM daftar.officers").stdout
    assert_problem(c.post("/v1/departments/%s/officers" % setup["a"], headers=h, json=body), 400)
    assert db.psql("SELECT count(*) FROM daftar.officers").stdout == before


def test_membership_change_takes_effect_and_revokes_old_tokens(c, setup):
    h = bearer(tokens(c, setup["hr_a"])["access_token"])
    uid, _ = setup["off"].add(setup["a"])
    old = tokens(c, uid)["access_token"]
    r = c.patch("/v1/departments/%s/officers/%s" % (setup["a"], uid), headers=h,
                json={"roles": ["officer", "records_officer"], "designation": "Record Keeper"})
    assert r.status_code == 200, r.text
    assert r.json() == {"uid": uid, "dept": setup["a"], "roles": ["officer", "records_officer"],
                        "designation": "Record Keeper"}
    deadline = time.monotonic() + 1.5
    while c.get("/v1/me", headers=bearer(old)).status_code != 401:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    me = c.get("/v1/me", headers=bearer(tokens(c, uid)["access_token"])).json()
    assert me["memberships"][0]["roles"] == ["officer", "records_officer"]
    assert_problem(c.patch("/v1/departments/%s/officers/%s" % (setup["a"], uid), headers=h, json={}), 400)
