"""Department administrators manage officers of their own department, and only those."""
import os
import re
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


def test_membership_change_takes_effect_on_the_next_request(c, setup):
    # Tokens carry no memberships: the officer's token stays good and the
    # new roles count as soon as the catalog's NOTIFY has reached the server.
    h = bearer(tokens(c, setup["hr_a"])["access_token"])
    uid, _ = setup["off"].add(setup["a"])
    old = tokens(c, uid)["access_token"]
    r = c.patch("/v1/departments/%s/officers/%s" % (setup["a"], uid), headers=h,
                json={"roles": ["officer", "records_officer"], "designation": "Record Keeper"})
    assert r.status_code == 200, r.text
    assert r.json() == {"uid": uid, "dept": setup["a"], "roles": ["officer", "records_officer"],
                        "designation": "Record Keeper", "section": ""}
    me = c.get("/v1/me", headers=bearer(old))
    assert me.status_code == 200 and me.json()["memberships"][0]["roles"] == ["officer", "records_officer"]
    assert_problem(c.patch("/v1/departments/%s/officers/%s" % (setup["a"], uid), headers=h, json={}), 400)


def test_an_officer_of_a_hundred_departments_gets_a_small_working_token_and_no_101st(c, setup, db):
    """Tokens carry who, not memberships: an officer of 100 departments (more than a state's ~75) gets a token
    under 450 bytes that works in all of them; the catalog refuses a 101st membership."""
    uid, _ = setup["off"].add(setup["a"], "officer,records_officer")
    codes = ["mc%s_%02d" % (uid[-4:], i) for i in range(100)]
    # registry rows are enough for the token (the memberships' foreign key), schemas are not needed
    db.psql("INSERT INTO daftar.departments (code, name) SELECT unnest('{%s}'::text[]), 'Cap test'" % ",".join(codes))
    db.psql("INSERT INTO daftar.memberships (uid, dept, roles) SELECT '%s', unnest('{%s}'::text[]), "
            "'{officer,records_officer,section_officer}'" % (uid, ",".join(codes[:99])))
    t = tokens(c, uid)["access_token"]
    assert len(t) < 450, len(t)  # it was 19 KB when tokens listed the memberships
    me = c.get("/v1/me", headers=bearer(t))
    assert me.status_code == 200, me.text
    assert len(me.json()["memberships"]) == 100
    assert c.get("/v1/departments/%s/files" % setup["a"], headers=bearer(t)).status_code == 200
    over = db.psql("INSERT INTO daftar.memberships (uid, dept, roles) VALUES ('%s', '%s', '{officer}')"
                   % (uid, codes[99]), check=False)
    assert over.returncode != 0 and "at most 100 departments" in over.stderr
    p = db.cli("officer", "grant", uid, "--dept", codes[99], "--role", "officer", check=False)
    assert p.returncode != 0 and "at most 100 departments" in (p.stdout + p.stderr)
    assert db.psql("SELECT count(*) FROM daftar.memberships WHERE uid = '%s'" % uid).stdout.strip() == "100"


def test_catalog_role_checks_are_the_role_list(db):
    # auth.h's DFT_ROLES is the one list of roles; the binary prints it in the
    # officer help. Memberships may hold exactly those; service accounts every
    # one but the administrative roles, e-HRMS's two (catalog 0021) and
    # training_admin, a state power (catalog 0022); no CHECK names a role the code lacks.
    p = subprocess.run([os.environ["DAFTAR_BIN"], "officer", "--help"], capture_output=True, text=True, timeout=30)
    line = [ln for ln in p.stdout.splitlines() if ln.startswith("Roles: ")][0]
    roles = line[len("Roles: "):].rstrip(".").split(", ")
    assert roles[0] == "officer" and len(roles) == len(set(roles))
    defs = db.psql("SELECT conrelid::regclass || ' ' || pg_get_constraintdef(oid) FROM pg_constraint "
                   "WHERE contype = 'c' AND connamespace = 'daftar'::regnamespace "
                   "AND pg_get_constraintdef(oid) LIKE '%section_officer%'").stdout.strip().splitlines()
    assert len(defs) >= 2, defs  # memberships and service accounts
    named = {d.split()[0]: set(re.findall(r"'([a-z_]+)'::text", d)) for d in defs}
    assert named.pop("daftar.memberships") == set(roles)
    assert named.pop("daftar.service_accounts") == set(roles) - {"dept_admin", "hr_admin", "establishment", "hoo",
                                                                 "training_admin", "apar_custodian", "auditor"}
    for table, names in named.items():
        assert names <= set(roles), table


def test_nobody_changes_their_own_membership(c, setup, db):
    """Security review item 8: an hr_admin granted itself records_officer (and so every restricted file)."""
    me = setup["hr_a"]
    h = bearer(tokens(c, me)["access_token"])
    before = db.psql("SELECT roles FROM daftar.memberships WHERE uid = '%s'" % me).stdout
    r = c.patch("/v1/departments/%s/officers/%s" % (setup["a"], me), headers=h,
                json={"roles": ["officer", "hr_admin", "records_officer"]})
    assert_problem(r, 403)
    # the database refuses it too, whatever path a request for this officer takes
    p = db.psql("BEGIN; SELECT set_config('daftar.officer_uid', '%s', true); "
                "SELECT daftar.membership_update('%s', '%s', '{officer,hr_admin,records_officer}', NULL, NULL); COMMIT"
                % (me, setup["a"], me), user="daftar_api", check=False)
    assert p.returncode != 0 and "Nobody changes their own membership" in p.stderr
    assert db.psql("SELECT roles FROM daftar.memberships WHERE uid = '%s'" % me).stdout == before
    # another admin still may
    other = setup["off"].add(setup["a"], "officer,hr_admin")[0]
    h2 = bearer(tokens(c, other)["access_token"])
    r = c.patch("/v1/departments/%s/officers/%s" % (setup["a"], me), headers=h2, json={"designation": "Under Secretary"})
    assert r.status_code == 200, r.text
