"""Training in the statewide scope `training` (issue 21): the state's course catalogue, managed by
training_admin held in the department the state names; answer keys that never leave the server
(the scope's role may not even read them). Schema state_training under role state_training:
PostgreSQL refuses that role everything outside its schema but one catalog view, and its
row-level policies filter rows by the settings each request sets. Over HTTP/2, with the
object-level matrix: training_admin, a training_admin of another department, a nodal officer,
a plain officer, an outsider."""
import base64
import copy
import datetime
import json
import re
import time

import httpx
import jwt as pyjwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from conftest import Server, assert_problem, keyed_env, office_today
from test_auth import Officers, bearer, tokens

COURSE = {"code": "CYB-101", "title": "Cyber hygiene", "title_hi": "साइबर स्वच्छता", "provider": "State ATI",
          "competencies": ["cyber security"], "pass_mark": 60, "validity_months": 12,
          "modules": [{"title": "Passwords", "title_hi": "पासवर्ड", "min_seconds": 2,
                       "questions": [{"text": "A strong password is", "options": ["short", "long and unique"], "answer": 1},
                                     {"text": "Share it with", "options": ["colleagues", "nobody", "the IT cell"], "answer": 1}]},
                      {"title": "Phishing", "min_seconds": 0}]}


@pytest.fixture(scope="module")
def w(db, tmp_path_factory):
    trg, a, b = db.add_dept("trg"), db.add_dept("tra"), db.add_dept("trb")
    db.psql("UPDATE state_training.settings SET value = '%s' WHERE name = 'admin_dept'" % trg)
    off = Officers(db, str(tmp_path_factory.mktemp("pw")))
    return {"trg": trg, "a": a, "b": b, "off": off,
            "admin": off.add(trg, "officer,training_admin")[0],
            "admin_a": off.add(a, "officer,training_admin")[0],  # the role in a department the state did not name
            "hr_trg": off.add(trg, "officer,hr_admin")[0],
            "nodal_a": off.add(a, "officer,training_nodal")[0], "nodal_b": off.add(b, "officer,training_nodal")[0],
            "p": off.add(a, "officer")[0], "q": off.add(a, "officer")[0], "outsider": off.add(b, "officer")[0],
            "recruit": off.add(trg, "officer")[0], "est_a": off.add(a, "officer,establishment")[0]}


WHO = ("admin", "admin_a", "hr_trg", "nodal_a", "nodal_b", "p", "q", "outsider")


@pytest.fixture(scope="module")
def api(db, w):
    s = Server(env_extra=keyed_env(db, DAFTAR_TIMERS_RESCAN_MS="100"))
    s.wait_ready()
    yield s
    s.stop()


@pytest.fixture(scope="module")
def t(api, w):
    with httpx.Client(base_url=api.url, http1=False, http2=True, timeout=20) as c:
        yield {k: bearer(tokens(c, w[k])["access_token"]) for k in WHO}


@pytest.fixture
def c(api):
    with httpx.Client(base_url=api.url, http1=False, http2=True, timeout=20) as client:
        yield client


def as_state_role(db, sql, uid="", roles=",", dept="", check=True):
    """Runs sql as the server does for a request in scope training: daftar_api, SET ROLE state_training, the settings."""
    return db.psql("BEGIN; SET LOCAL ROLE state_training; SELECT set_config('daftar.officer_uid', '%s', true), "
                   "set_config('daftar.roles', '%s', true), set_config('daftar.dept', '%s', true), "
                   "set_config('daftar.request_id', 't', true), set_config('daftar.client_addr', '', true); %s; COMMIT;"
                   % (uid, roles, dept, sql), user="daftar_api", check=check)


def last(p):
    return p.stdout.strip().splitlines()[-1]


def course(c, t, code, **over):
    """A published course made by training_admin: its JSON."""
    body = dict(copy.deepcopy(COURSE), code=code, status="published", **over)
    r = c.post("/v1/courses", json=body, headers=t["admin"])
    assert r.status_code == 201, r.text
    return r.json()


# ---------------------------------------------------------------- the database refuses

def test_state_role_reaches_nothing_outside_its_schema(db, w):
    for sql in ("SELECT * FROM dept_%s.profile" % w["a"], "SELECT * FROM daftar.credentials",
                "SELECT * FROM daftar.officers", "SELECT * FROM daftar.memberships", "SELECT * FROM state_hr.employees",
                "SELECT * FROM daftar.signing_keys"):
        p = as_state_role(db, sql, check=False)
        assert p.returncode != 0 and "permission denied" in p.stderr, sql
    p = db.psql("BEGIN; SET LOCAL ROLE dept_%s; SELECT * FROM state_training.courses" % w["a"], user="daftar_api", check=False)
    assert p.returncode != 0 and "permission denied" in p.stderr
    p = db.psql("BEGIN; SET LOCAL ROLE state_hr; SELECT * FROM state_training.courses", user="daftar_api", check=False)
    assert p.returncode != 0 and "permission denied" in p.stderr
    out = db.psql("SELECT rolcanlogin, pg_has_role('state_training', 'daftar_state', 'MEMBER') "
                  "FROM pg_roles WHERE rolname = 'state_training'").stdout.strip()
    assert out == "f|t"


def test_every_table_has_row_level_security_and_no_function_is_public(db):
    assert db.psql("SELECT count(*) FROM pg_class WHERE relnamespace = 'state_training'::regnamespace AND relkind = 'r' "
                   "AND NOT relrowsecurity").stdout.strip() == "0"
    bad = db.psql("SELECT string_agg(p.oid::regprocedure::text, ', ') FROM pg_proc p "
                  "WHERE p.pronamespace = 'state_training'::regnamespace AND (NOT has_function_privilege('state_training', "
                  "p.oid, 'EXECUTE') OR has_function_privilege('public', p.oid, 'EXECUTE'))").stdout.strip()
    assert bad == ""
    assert db.psql("SELECT has_table_privilege('state_training', 'state_training.audit', 'UPDATE') OR "
                   "has_table_privilege('state_training', 'state_training.audit', 'DELETE')").stdout.strip() == "f"


def test_the_answer_key_is_not_readable_by_the_scopes_role(db, w, c, t):
    course(c, t, "KEY-1")
    # whatever a statement selects, the key is refused: a column privilege, not a rule of the statement
    for sql in ("SELECT answer FROM state_training.questions", "SELECT * FROM state_training.questions",
                "SELECT q FROM state_training.questions q", "SELECT count(*) FROM state_training.questions WHERE answer = 1"):
        p = as_state_role(db, sql, uid=w["admin"], check=False)
        assert p.returncode != 0 and "permission denied" in p.stderr, sql
    # the role writes no catalogue table but through the functions
    p = as_state_role(db, "UPDATE state_training.courses SET pass_mark = 0", uid=w["admin"], check=False)
    assert p.returncode != 0 and "permission denied" in p.stderr
    # what the role may read of a question
    assert last(as_state_role(db, "SELECT count(*) FROM state_training.questions q JOIN state_training.courses c "
                                  "ON c.id = q.course WHERE c.code = 'KEY-1'", uid=w["p"])) == "2"


# ---------------------------------------------------------------- the catalogue over HTTP/2

def test_training_admin_makes_publishes_and_retires_a_course(c, w, t):
    r = c.post("/v1/courses", json=COURSE, headers=t["admin"])
    assert r.status_code == 201, r.text
    assert r.headers["etag"] == '"1"'
    cr = r.json()
    assert cr["status"] == "draft" and cr["code"] == "CYB-101" and cr["num_modules"] == 2
    assert [m["min_seconds"] for m in cr["modules"]] == [2, 0]
    assert cr["modules"][0]["questions"][1] == {"n": 2, "text": "Share it with", "options": ["colleagues", "nobody", "the IT cell"]}
    assert "answer" not in r.text
    url = "/v1/courses/" + cr["id"]
    # a draft: its administrators see it, nobody else
    assert c.get(url, headers=t["admin"]).status_code == 200
    for who in ("admin_a", "nodal_a", "p", "outsider"):
        assert_problem(c.get(url, headers=t[who]), 404)
        assert cr["id"] not in [x["id"] for x in c.get("/v1/courses", headers=t[who]).json()["items"]], who
    assert cr["id"] in [x["id"] for x in c.get("/v1/courses?status=draft", headers=t["admin"]).json()["items"]]
    # a draft is replaced whole, at its version
    assert_problem(c.put(url, json=COURSE, headers=t["admin"]), 428)
    assert_problem(c.put(url, json=COURSE, headers=dict(t["admin"], **{"If-Match": '"7"'})), 412)
    r = c.put(url, json=dict(COURSE, pass_mark=70, modules=COURSE["modules"][:1]), headers=dict(t["admin"], **{"If-Match": '"1"'}))
    assert r.status_code == 200 and r.headers["etag"] == '"2"' and r.json()["num_modules"] == 1, r.text
    # published: every officer reads it
    r = c.patch(url, json={"status": "published"}, headers=dict(t["admin"], **{"If-Match": '"2"'}))
    assert r.status_code == 200 and r.json()["status"] == "published", r.text
    for who in ("nodal_a", "p", "outsider", "admin_a"):
        g = c.get(url, headers=t[who])
        assert g.status_code == 200 and g.json()["pass_mark"] == 70 and "answer" not in g.text, who
    # a published course's modules never change; it is retired instead
    assert_problem(c.put(url, json=COURSE, headers=dict(t["admin"], **{"If-Match": '"3"'})), 409)
    assert_problem(c.patch(url, json={"status": "published"}, headers=dict(t["admin"], **{"If-Match": '"3"'})), 409)
    r = c.patch(url, json={"status": "retired"}, headers=dict(t["admin"], **{"If-Match": '"3"'}))
    assert r.status_code == 200 and r.json()["status"] == "retired"
    # codes are unique
    assert_problem(c.post("/v1/courses", json=COURSE, headers=t["admin"]), 409, "course-code-taken")


def test_only_training_admin_of_the_named_department_manages_the_catalogue(c, w, t):
    body = dict(COURSE, code="NOPE-1")
    for who in ("admin_a", "nodal_a", "p", "outsider", "hr_trg"):
        assert_problem(c.post("/v1/courses", json=body, headers=t[who]), 403)
    cr = course(c, t, "MANAGED-1")
    url = "/v1/courses/" + cr["id"]
    for who in ("admin_a", "nodal_a", "p", "outsider"):
        assert_problem(c.patch(url, json={"status": "retired"}, headers=dict(t[who], **{"If-Match": '"1"'})), 403)
        assert_problem(c.put(url, json=body, headers=dict(t[who], **{"If-Match": '"1"'})), 403)
    assert c.get(url, headers=t["admin"]).json()["status"] == "published"


def test_a_course_is_validated_member_by_member(c, t):
    def refused(body, field):
        r = c.post("/v1/courses", json=body, headers=t["admin"])
        p = assert_problem(r, 400)
        # the contract's schema names a member by its pointer's path (modules/0/key), the handler's checks by theirs
        assert p["errors"][0]["field"] in (field, re.sub(r"\[(\d+)\]", r"/\1", field).replace(".", "/")), p

    q = {"text": "Q", "options": ["a", "b"], "answer": 2}
    refused(dict(COURSE, modules=[{"title": "M", "min_seconds": 1, "questions": [q]}]), "modules[0].questions[0].answer")
    refused(dict(COURSE, modules=[{"title": "M", "min_seconds": 1, "questions": [dict(q, answer=0, options=["a"])]}]),
            "modules[0].questions[0].options")
    refused(dict(COURSE, modules=[COURSE["modules"][1], {"title": "M", "min_seconds": -1}]), "modules[1].min_seconds")
    refused(dict(COURSE, modules=[{"title": "M", "min_seconds": 1, "key": 1}]), "modules[0].key")
    refused(dict(COURSE, modules=[]), "modules")
    refused(dict(COURSE, code="cyb 101"), "code")
    refused(dict(COURSE, pass_mark=101), "pass_mark")
    refused(dict(COURSE, competencies=["x"] * 21), "competencies")


# ---------------------------------------------------------------- where training_admin is held

def test_only_a_dept_admin_grants_training_admin_and_no_posting_or_service_account_holds_it(db, c, w, t, api):
    """training_admin is a state power held in the named department: its hr_admin may not grant it
    (only a dept_admin), no posting order carries it, and no service account may hold it."""
    trg, recruit = w["trg"], w["recruit"]
    h_hr = bearer(tokens(c, w["hr_trg"])["access_token"])
    url = "/v1/departments/%s/officers/%s" % (trg, recruit)
    p = assert_problem(c.patch(url, json={"roles": ["officer", "training_admin"]}, headers=h_hr), 403)
    assert "training_admin" in p["detail"]
    assert "training_admin" not in db.psql("SELECT roles FROM daftar.memberships WHERE uid = '%s'" % recruit).stdout
    # the hr_admin still changes other roles; a dept_admin (second factor: test_totp) grants it, as the operator does
    r = c.patch(url, json={"roles": ["officer", "records_officer"]}, headers=h_hr)
    assert r.status_code == 200, r.text
    db.cli("officer", "grant", recruit, "--dept", trg, "--role", "officer,training_admin")
    p = db.cli("service", "add", "--dept", trg, "--name", "Platform", "--role", "officer,training_admin", check=False)
    assert p.returncode != 0
    order = {"kind": "transfer", "to_dept": trg, "designation": "Under Secretary", "roles": ["officer", "training_admin"],
             "order_no": "GAD/TR/2026/7", "effective": "2026-01-01"}
    h_est = bearer(tokens(c, w["est_a"])["access_token"])
    r = c.post("/v1/departments/%s/employees/%s/postings" % (w["a"], w["q"]), json=order, headers=h_est)
    assert_problem(r, 422)


def test_my_data_has_a_training_part(c, t):
    d = c.get("/v1/me/data", headers=t["p"])
    assert d.status_code == 200, d.text
    assert "training" in d.json() and "hr" in d.json()


# ---------------------------------------------------------------- assignments and enrolment

def future(days=60):
    return (office_today() + datetime.timedelta(days=days)).isoformat()


def assign(c, t, who, dept, course_id, **over):
    body = dict({"course_id": course_id, "deadline": future()}, **over)
    url = "/v1/departments/%s/training/assignments" % dept if dept else "/v1/training/assignments"
    return c.post(url, json=body, headers=t[who])


def mine(c, t, who):
    r = c.get("/v1/me/training", headers=t[who])
    assert r.status_code == 200, r.text
    return r.json()


def test_a_nodal_officer_assigns_to_their_department_and_its_members_see_it(db, c, w, t):
    cr = course(c, t, "ASG-1")
    a, b = w["a"], w["b"]
    # who may not
    for who, dept in (("p", a), ("admin_a", a), ("nodal_b", a), ("outsider", a), ("admin", w["trg"])):
        r = assign(c, t, who, dept, cr["id"])
        assert r.status_code == 403, (who, r.text)
    # what is refused
    draft = c.post("/v1/courses", json=dict(COURSE, code="ASG-DRAFT"), headers=t["admin"]).json()
    assert_problem(assign(c, t, "nodal_a", a, draft["id"]), 422)
    assert_problem(assign(c, t, "nodal_a", a, cr["id"], deadline=office_today().isoformat()), 422)
    assert_problem(assign(c, t, "nodal_a", a, cr["id"], audience="role", audience_value="king"), 400)
    assert_problem(assign(c, t, "nodal_a", a, cr["id"], audience="role"), 400)
    assert_problem(assign(c, t, "nodal_a", a, cr["id"], audience_value="x"), 400)
    r = assign(c, t, "nodal_a", a, cr["id"], target=90)
    assert r.status_code == 201, r.text
    asg = r.json()
    assert asg["dept"] == a and asg["target"] == 90 and asg["course"]["code"] == "ASG-1" and r.headers["etag"] == '"1"'
    # the roster: every member of A at once
    roster = db.psql("SELECT count(*) FROM state_training.assignees WHERE assignment = '%s'" % asg["id"]).stdout.strip()
    members = db.psql("SELECT count(*) FROM daftar.memberships WHERE dept = '%s'" % a).stdout.strip()
    assert roster == members
    # members of A read it and see it among theirs; others do not
    url = "/v1/departments/%s/training/assignments/%s" % (a, asg["id"])
    assert c.get(url, headers=t["p"]).json()["id"] == asg["id"]
    assert asg["id"] in [x["id"] for x in c.get("/v1/departments/%s/training/assignments" % a, headers=t["p"]).json()["items"]]
    assert_problem(c.get(url, headers=t["outsider"]), 403)
    assert_problem(c.get("/v1/departments/%s/training/assignments/%s" % (b, asg["id"]), headers=t["nodal_b"]), 404)
    item = [x for x in mine(c, t, "p")["assignments"] if x["id"] == asg["id"]]
    assert len(item) == 1 and item[0]["status"] == "not_started" and item[0]["overdue"] is False
    assert asg["id"] not in [x["id"] for x in mine(c, t, "outsider")["assignments"]]
    # an audience of one role: the nodal officer alone in A
    r = assign(c, t, "nodal_a", a, cr["id"], audience="role", audience_value="training_nodal")
    assert r.status_code == 201
    assert db.psql("SELECT string_agg(uid, ',') FROM state_training.assignees WHERE assignment = '%s'"
                   % r.json()["id"]).stdout.strip() == w["nodal_a"]
    assert r.json()["id"] not in [x["id"] for x in mine(c, t, "p")["assignments"]]


def test_a_state_assignment_reaches_every_department_through_its_roster(db, c, w, t):
    cr = course(c, t, "STATE-1")
    for who in ("admin_a", "nodal_a", "p"):
        assert_problem(assign(c, t, who, None, cr["id"]), 403)
    r = assign(c, t, "admin", None, cr["id"])
    assert r.status_code == 201 and r.json()["dept"] is None, r.text
    sa = r.json()
    # every officer sees it; a department's roster is taken when its nodal officer syncs it
    assert sa["id"] in [x["id"] for x in mine(c, t, "outsider")["assignments"]]
    assert sa["id"] in [x["id"] for x in c.get("/v1/departments/%s/training/assignments" % w["b"],
                                                headers=t["outsider"]).json()["items"]]
    sync = "/v1/departments/%s/training/assignments/%s/sync"
    assert_problem(c.post(sync % (w["b"], sa["id"]), headers=t["outsider"]), 403)
    assert_problem(c.post(sync % (w["a"], sa["id"]), headers=t["nodal_b"]), 403)  # not a member of A
    r = c.post(sync % (w["b"], sa["id"]), headers=t["nodal_b"])
    members_b = int(db.psql("SELECT count(*) FROM daftar.memberships WHERE dept = '%s'" % w["b"]).stdout)
    assert r.status_code == 200 and r.json()["added"] == members_b and r.json()["assigned"] == members_b, r.text
    assert c.post(sync % (w["b"], sa["id"]), headers=t["nodal_b"]).json()["added"] == 0
    # a department's own assignment is not synced from another
    own = assign(c, t, "nodal_a", w["a"], cr["id"]).json()
    assert_problem(c.post(sync % (w["b"], own["id"]), headers=t["nodal_b"]), 404)


def test_an_officer_who_leaves_leaves_the_roster_at_the_next_sync(db, c, w, t):
    a = w["a"]
    leaver = w["off"].add(a, "officer")[0]
    cr = course(c, t, "LEAVE-1")
    asg = assign(c, t, "nodal_a", a, cr["id"]).json()
    on = "SELECT count(*) FROM state_training.assignees WHERE assignment = '%s' AND uid = '%s'" % (asg["id"], leaver)
    assert db.psql(on).stdout.strip() == "1"
    db.cli("officer", "revoke", leaver, "--dept", a)
    r = c.post("/v1/departments/%s/training/assignments/%s/sync" % (a, asg["id"]), headers=t["nodal_a"])
    assert r.status_code == 200 and r.json()["removed"] == 1, r.text
    assert db.psql(on).stdout.strip() == "0"


def test_an_officer_enrols_once_however_often_they_ask(c, w, t):
    cr = course(c, t, "SELF-1")
    r = c.post("/v1/me/training/enrolments", json={"course_id": cr["id"]}, headers=t["q"])
    assert r.status_code == 201, r.text
    e = r.json()
    assert e["uid"] == w["q"] and e["source"] == "self" and e["status"] == "enrolled" and e["course"]["code"] == "SELF-1"
    r = c.post("/v1/me/training/enrolments", json={"course_id": cr["id"]}, headers=t["q"])
    assert r.status_code == 200 and r.json()["id"] == e["id"]
    assert [x["id"] for x in mine(c, t, "q")["enrolments"]].count(e["id"]) == 1
    draft = c.post("/v1/courses", json=dict(COURSE, code="SELF-DRAFT"), headers=t["admin"]).json()
    assert_problem(c.post("/v1/me/training/enrolments", json={"course_id": draft["id"]}, headers=t["q"]), 422)
    # nobody else sees it: another officer's list, another department's nodal officer
    assert e["id"] not in [x["id"] for x in mine(c, t, "p")["enrolments"]]


def test_bulk_enrolment_takes_each_row_alone_and_is_idempotent(db, c, w, t):
    cr = course(c, t, "BULK-1")
    a = w["a"]
    url = "/v1/departments/%s/training/enrolments" % a
    rows = [w["p"], w["outsider"], "12345", w["q"], w["p"], 42, w["p"][:-1] + str((int(w["p"][-1]) + 1) % 10)]
    r = c.post(url, json={"course_id": cr["id"], "uids": rows}, headers=t["nodal_a"])
    assert r.status_code == 200, r.text
    got = r.json()
    assert [(x["row"], x["result"]) for x in got["rows"]] == [(1, "enrolled"), (2, "refused"), (3, "refused"), (4, "enrolled"),
                                                               (5, "already"), (6, "refused"), (7, "refused")]
    assert got["rows"][1]["reason"] == "Not an officer of this department." and got["rows"][2]["uid"] == "12345"
    assert "check digit" in got["rows"][6]["reason"]
    assert (got["enrolled"], got["already"], got["refused"]) == (2, 1, 4)
    # the same request again: nothing new
    again = c.post(url, json={"course_id": cr["id"], "uids": rows}, headers=t["nodal_a"]).json()
    assert (again["enrolled"], again["already"], again["refused"]) == (0, 3, 4)
    n = "SELECT count(*) FROM state_training.enrolments WHERE course = '%s'" % cr["id"]
    assert db.psql(n).stdout.strip() == "2"
    # a CSV: header, quotes, CRLF, a blank line; row numbers are line numbers
    csv = 'uid,name\r\n"%s",x\r\n\r\n%s\r\nnot-a-uid\r\n' % (w["p"], w["nodal_a"])
    r = c.post(url + "?course_id=" + cr["id"], content=csv.encode(), headers=dict(t["nodal_a"], **{"content-type": "text/csv"}))
    assert r.status_code == 200, r.text
    assert [(x["row"], x["result"]) for x in r.json()["rows"]] == [(2, "already"), (4, "enrolled"), (5, "refused")]
    # who may not, and what is not a list
    body = {"course_id": cr["id"], "uids": [w["q"]]}
    for who in ("p", "nodal_b", "admin_a", "outsider", "admin"):
        r = c.post(url, json=body, headers=t[who])
        assert r.status_code == 403, (who, r.text)
    assert_problem(c.post(url, content=b"x", headers=dict(t["nodal_a"], **{"content-type": "text/plain"})), 415)
    assert_problem(c.post(url, content=csv.encode(), headers=dict(t["nodal_a"], **{"content-type": "text/csv"})), 400)
    assert_problem(c.post(url, json={"course_id": cr["id"], "uids": [w["q"]] * 1001}, headers=t["nodal_a"]), 400)
    assert_problem(c.post(url + "?course_id=" + cr["id"], content=("\n".join([w["q"]] * 1001)).encode(),
                          headers=dict(t["nodal_a"], **{"content-type": "text/csv"})), 400)
    assert db.psql(n).stdout.strip() == "3"


def test_progress_rows_reach_the_officer_and_their_nodal_officer_only(db, c, w, t):
    cr = course(c, t, "RLS-1")
    c.post("/v1/departments/%s/training/enrolments" % w["a"], json={"course_id": cr["id"], "uids": [w["p"], w["q"]]},
           headers=t["nodal_a"])
    count = "SELECT count(*) FROM state_training.enrolments WHERE course = (SELECT id FROM state_training.courses " \
            "WHERE code = 'RLS-1')"
    assert last(as_state_role(db, count, uid=w["p"])) == "1"
    assert last(as_state_role(db, count, uid=w["nodal_a"], roles=",officer,training_nodal,", dept=w["a"])) == "2"
    # the same role claimed in B, where neither is a member; a plain officer of A; training_admin
    assert last(as_state_role(db, count, uid=w["nodal_b"], roles=",officer,training_nodal,", dept=w["b"])) == "0"
    assert last(as_state_role(db, count, uid=w["outsider"], roles=",officer,", dept=w["a"])) == "0"
    assert last(as_state_role(db, count, uid=w["admin"], roles=",officer,training_admin,", dept=w["trg"])) == "0"
    # and no write but through the functions
    p = as_state_role(db, "WITH u AS (UPDATE state_training.enrolments SET status = 'completed' WHERE uid = '%s' "
                          "RETURNING 1) SELECT count(*) FROM u" % w["p"], uid=w["p"])
    assert last(p) == "0"
    p = as_state_role(db, "INSERT INTO state_training.enrolments (uid, course, source, enrolled_by) "
                          "SELECT '%s', id, 'self', '%s' FROM state_training.courses WHERE code = 'RLS-1'"
                          % (w["outsider"], w["outsider"]),
                      uid=w["outsider"], check=False)
    assert p.returncode != 0 and "row-level security" in p.stderr


def test_classroom_batches_seat_to_capacity_then_waitlist_and_a_seat_given_up_goes_to_the_first_waiting(db, c, w, t):
    """A batch of 2 seats: p and q seated by their own enrolment and the nodal officer's list, the next
    two waitlisted in order; when q gives up the seat, the first waiting is seated. Who may schedule,
    what is refused, and that nobody else sees who holds a place."""
    cr = course(c, t, "CLASS-1")
    a = w["a"]
    url = "/v1/courses/%s/batches" % cr["id"]
    body = {"starts_on": future(10), "ends_on": future(12), "venue": "HCM RIPA, Jaipur, Hall 2", "capacity": 2}
    for who in ("admin_a", "nodal_a", "p"):
        assert_problem(c.post(url, json=body, headers=t[who]), 403)
    assert_problem(c.post(url, json=dict(body, starts_on=future(-1)), headers=t["admin"]), 422)
    assert_problem(c.post(url, json=dict(body, ends_on=future(9)), headers=t["admin"]), 422)
    assert_problem(c.post(url, json=dict(body, capacity=0), headers=t["admin"]), 400)
    assert_problem(c.post(url, json={k: v for k, v in body.items() if k != "venue"}, headers=t["admin"]), 400)
    draft = c.post("/v1/courses", json=dict(COURSE, code="CLASS-DRAFT"), headers=t["admin"]).json()
    assert_problem(c.post("/v1/courses/%s/batches" % draft["id"], json=body, headers=t["admin"]), 422)
    r = c.post(url, json=body, headers=t["admin"])
    assert r.status_code == 201, r.text
    b = r.json()
    assert (b["capacity"], b["seated"], b["waitlisted"], b["venue"]) == (2, 0, 0, body["venue"])
    other = c.post(url, json=dict(body, starts_on=future(20), ends_on=future(20)), headers=t["admin"]).json()
    # p books a seat themselves
    r = c.post("/v1/me/training/enrolments", json={"course_id": cr["id"], "batch_id": b["id"]}, headers=t["p"])
    assert r.status_code == 201, r.text
    assert r.json()["batch"]["status"] == "seated" and r.json()["batch"]["waitlist_position"] is None
    again = c.post("/v1/me/training/enrolments", json={"course_id": cr["id"], "batch_id": b["id"]}, headers=t["p"])
    assert again.status_code == 200 and again.json()["batch"]["status"] == "seated"
    assert_problem(c.post("/v1/me/training/enrolments", json={"course_id": cr["id"], "batch_id": other["id"]},
                          headers=t["p"]), 409, "batch-booked-already")  # one place an enrolment
    assert_problem(c.post("/v1/me/training/enrolments", json={"course_id": cr["id"], "batch_id": "x"}, headers=t["p"]), 400)
    # the nodal officer's list: q seated (the last seat), then two waiting in row order; p already; outsider refused
    x1, x2 = w["off"].add(a, "officer")[0], w["off"].add(a, "officer")[0]
    r = c.post("/v1/departments/%s/training/enrolments" % a, headers=t["nodal_a"],
               json={"course_id": cr["id"], "batch_id": b["id"], "uids": [w["q"], x1, w["p"], x2, w["outsider"]]})
    assert r.status_code == 200, r.text
    assert [(x["result"], x.get("seat")) for x in r.json()["rows"]] == [
        ("enrolled", "seated"), ("enrolled", "waitlisted"), ("already", "seated"), ("enrolled", "waitlisted"), ("refused", None)]
    assert (r.json()["enrolled"], r.json()["already"], r.json()["refused"]) == (3, 1, 1)
    # a list for the other batch: p's row refused (a place in this one), with its enrolment kept; the rest go on
    r = c.post("/v1/departments/%s/training/enrolments?course_id=%s&batch_id=%s" % (a, cr["id"], other["id"]),
               content=("uid\n%s\n%s\n" % (w["p"], w["nodal_a"])).encode(),
               headers=dict(t["nodal_a"], **{"content-type": "text/csv"}))
    assert [(x["result"], x.get("seat")) for x in r.json()["rows"]] == [("refused", None), ("enrolled", "seated")], r.text
    assert "another batch" in r.json()["rows"][0]["reason"]
    listed = {x["id"]: x for x in c.get(url, headers=t["outsider"]).json()["items"]}
    assert (listed[b["id"]]["seated"], listed[b["id"]]["waitlisted"]) == (2, 2)
    assert w["p"] not in c.get(url, headers=t["outsider"]).text
    assert_problem(c.get("/v1/courses/%s/batches" % draft["id"], headers=t["p"]), 404)
    h = {u: bearer(tokens(c, u)["access_token"]) for u in (x1, x2)}
    e1 = enrol_id(db, x1, cr["id"])
    mine_x1 = c.get("/v1/me/training/enrolments/" + e1, headers=h[x1]).json()["batch"]
    assert (mine_x1["status"], mine_x1["waitlist_position"]) == ("waitlisted", 1)
    e2 = enrol_id(db, x2, cr["id"])
    assert c.get("/v1/me/training/enrolments/" + e2, headers=h[x2]).json()["batch"]["waitlist_position"] == 2
    # q gives up the seat: x1, first waiting, is seated; x2 moves up
    eq = enrol_id(db, w["q"], cr["id"])
    assert_problem(c.delete("/v1/me/training/enrolments/%s/batch" % eq, headers=t["p"]), 404)  # not theirs
    r = c.delete("/v1/me/training/enrolments/%s/batch" % eq, headers=t["q"])
    assert r.status_code == 200 and r.json()["batch"] is None and r.json()["status"] == "enrolled", r.text
    assert_problem(c.delete("/v1/me/training/enrolments/%s/batch" % eq, headers=t["q"]), 404)
    assert c.get("/v1/me/training/enrolments/" + e1, headers=h[x1]).json()["batch"]["status"] == "seated"
    assert c.get("/v1/me/training/enrolments/" + e2, headers=h[x2]).json()["batch"]["waitlist_position"] == 1
    got = {x["id"]: x for x in c.get(url, headers=t["p"]).json()["items"]}[b["id"]]
    assert (got["seated"], got["waitlisted"]) == (2, 1)
    # the database: a seat is read by the officer and their nodal officer only
    count = "SELECT count(*) FROM state_training.batch_seats WHERE batch = '%s'" % b["id"]
    assert last(as_state_role(db, count, uid=w["nodal_a"], roles=",officer,training_nodal,", dept=a)) == "3"
    assert last(as_state_role(db, count, uid=x1)) == "1"
    assert last(as_state_role(db, count, uid=w["admin"], roles=",officer,training_admin,", dept=w["trg"])) == "0"
    assert last(as_state_role(db, count, uid=w["nodal_b"], roles=",officer,training_nodal,", dept=w["b"])) == "0"
    p = as_state_role(db, "UPDATE state_training.batches SET capacity = 100", uid=w["admin"], check=False)
    assert p.returncode != 0 and "permission denied" in p.stderr


def test_a_batch_changes_and_is_cancelled_before_it_begins_and_its_places_hear_of_it(db, c, w, t):
    """Halls are double-booked and trainers fall ill: training_admin changes a batch (If-Match), more seats go to
    the waitlist in order, capacity never unseats anyone; a cancelled batch gives up its places, keeps the
    enrolments, takes no more bookings and changes no more. Whoever held a place gets an event."""
    a = w["a"]
    cr = course(c, t, "CLASS-2")
    url = "/v1/courses/%s/batches" % cr["id"]
    r = c.post(url, json={"starts_on": future(10), "ends_on": future(11), "venue": "Hall 1", "capacity": 1}, headers=t["admin"])
    assert r.status_code == 201 and r.headers["etag"] == '"1"', r.text
    b = r.json()
    assert (b["status"], b["version"], b["cancelled_at"]) == ("scheduled", 1, None)
    one = url + "/" + b["id"]
    r = c.post("/v1/departments/%s/training/enrolments" % a, headers=t["nodal_a"],
               json={"course_id": cr["id"], "batch_id": b["id"], "uids": [w["p"], w["q"], w["est_a"]]})
    assert [x.get("seat") for x in r.json()["rows"]] == ["seated", "waitlisted", "waitlisted"], r.text
    v1 = {"If-Match": '"1"'}
    for who in ("nodal_a", "admin_a", "p"):
        assert_problem(c.patch(one, json={"capacity": 5}, headers=dict(t[who], **v1)), 403)
    assert_problem(c.patch(one, json={"capacity": 5}, headers=t["admin"]), 428)
    assert_problem(c.patch(one, json={"capacity": 5}, headers=dict(t["admin"], **{"If-Match": '"7"'})), 412)
    assert_problem(c.patch(url + "/00000000-0000-4000-8000-000000000000", json={"capacity": 5}, headers=dict(t["admin"], **v1)), 404)
    for bad in ({}, {"status": "cancelled"}, {"reason": "x"}, {"status": "cancelled", "reason": "x", "capacity": 3},
                {"status": "done", "reason": "x"}, {"capacity": 0}, {"venue": ""}, {"hall": "2"}):
        assert_problem(c.patch(one, json=bad, headers=dict(t["admin"], **v1)), 400)
    for bad in ({"starts_on": future(0)}, {"ends_on": future(9)}):
        assert_problem(c.patch(one, json=bad, headers=dict(t["admin"], **v1)), 422)
    # two more seats: the two waiting are seated in the order booked; a new hall
    r = c.patch(one, json={"capacity": 3, "venue": "Hall 2"}, headers=dict(t["admin"], **v1))
    assert r.status_code == 200 and r.headers["etag"] == '"2"', r.text
    assert (r.json()["seated"], r.json()["waitlisted"], r.json()["venue"], r.json()["version"]) == (3, 0, "Hall 2", 2)
    # below the seated: refused, nobody unseated
    assert_problem(c.patch(one, json={"capacity": 2}, headers=dict(t["admin"], **{"If-Match": '"2"'})), 422)
    changed = db.psql("SELECT array_to_string(audience, ',') FROM state_training.events WHERE type = 'training.batch_changed' "
                      "AND subject = '%s'" % b["id"]).stdout.strip()
    assert sorted(changed.split(",")) == sorted([w["p"], w["q"], w["est_a"]])
    # cancelled: places given up, enrolments stand, no booking, no change
    r = c.patch(one, json={"status": "cancelled", "reason": "The trainer is unwell"}, headers=dict(t["admin"], **{"If-Match": '"2"'}))
    assert r.status_code == 200, r.text
    got = r.json()
    assert (got["status"], got["cancel_reason"], got["seated"], got["version"]) == ("cancelled", "The trainer is unwell", 0, 3)
    assert got["cancelled_at"] is not None
    ep = enrol_id(db, w["p"], cr["id"])
    mine_p = c.get("/v1/me/training/enrolments/" + ep, headers=t["p"]).json()
    assert mine_p["batch"] is None and mine_p["status"] == "enrolled"
    assert_problem(c.post("/v1/me/training/enrolments", json={"course_id": cr["id"], "batch_id": b["id"]}, headers=t["p"]), 422)
    assert_problem(c.patch(one, json={"capacity": 9}, headers=dict(t["admin"], **{"If-Match": '"3"'})), 409)
    listed = {x["id"]: x for x in c.get(url, headers=t["outsider"]).json()["items"]}
    assert listed[b["id"]]["status"] == "cancelled"
    cancelled = db.psql("SELECT array_to_string(audience, ',') FROM state_training.events WHERE type = 'training.batch_cancelled' "
                        "AND subject = '%s'" % b["id"]).stdout.strip()
    assert sorted(cancelled.split(",")) == sorted([w["p"], w["q"], w["est_a"]])
    # the database: the role changes no batch; a begun batch is not changed
    p = as_state_role(db, "UPDATE state_training.batches SET cancelled_at = NULL", uid=w["admin"], check=False)
    assert p.returncode != 0 and "permission denied" in p.stderr
    r = c.post(url, json={"starts_on": future(5), "ends_on": future(5), "venue": "Hall 1", "capacity": 1}, headers=t["admin"])
    db.psql("UPDATE state_training.batches SET starts_on = current_date - 1 WHERE id = '%s'" % r.json()["id"])
    assert_problem(c.patch(url + "/" + r.json()["id"], json={"venue": "Hall 9"}, headers=dict(t["admin"], **v1)), 409)


# ---------------------------------------------------------------- honest progress

def event(c, t, who, enrolment, module, ev, answers=None):
    body = {"module": module, "event": ev}
    if answers is not None:
        body["answers"] = answers
    return c.post("/v1/me/training/enrolments/%s/events" % enrolment, json=body, headers=t[who])


def enrol(c, t, who, course_id):
    r = c.post("/v1/me/training/enrolments", json={"course_id": course_id}, headers=t[who])
    assert r.status_code in (200, 201), r.text
    return r.json()["id"]


def complete(c, t, who, course_id):
    """Takes the COURSE-shaped course honestly (waits out module 1's minimum): the completion."""
    e = enrol(c, t, who, course_id)
    assert event(c, t, who, e, 1, "started").status_code == 200
    time.sleep(2.1)
    assert event(c, t, who, e, 1, "finished").json()["modules"][0]["counted"] is True
    assert event(c, t, who, e, 1, "answers", [1, 1]).status_code == 200
    assert event(c, t, who, e, 2, "started").status_code == 200
    r = event(c, t, who, e, 2, "finished")
    assert r.status_code == 200 and r.json()["status"] == "completed", r.text
    return r.json()["completion"]


def flags(db, uid, kind):
    return int(db.psql("SELECT count(*) FROM state_training.flags WHERE uid = '%s' AND kind = '%s'" % (uid, kind)).stdout)


def test_progress_counts_on_the_server_clock_and_assessments_are_scored_there(db, c, w, t):
    cr = course(c, t, "HONEST-1")
    e = enrol(c, t, "p", cr["id"])
    assert_problem(event(c, t, "p", e, 1, "finished"), 409, "module-not-started")  # never started
    assert_problem(event(c, t, "p", e, 1, "answers", [1, 1]), 409)        # not counted yet
    assert_problem(event(c, t, "p", e, 3, "started"), 422)                # no such module
    assert_problem(event(c, t, "q", e, 1, "started"), 404)                # not theirs
    assert_problem(event(c, t, "nodal_a", e, 1, "started"), 404)
    # finished sooner than its minimum: not counted, flagged, and the module must be started again
    assert event(c, t, "p", e, 1, "started").status_code == 200
    r = event(c, t, "p", e, 1, "finished")
    assert r.status_code == 200, r.text
    m1 = r.json()["modules"][0]
    assert m1["counted"] is False and m1["seconds"] < 2 and m1["finished_at"] is not None
    assert flags(db, w["p"], "too_fast") == 1
    assert_problem(event(c, t, "p", e, 1, "finished"), 409)
    assert event(c, t, "p", e, 1, "started").json()["modules"][0]["finished_at"] is None
    time.sleep(2.1)
    m1 = event(c, t, "p", e, 1, "finished").json()["modules"][0]
    assert m1["counted"] is True and m1["seconds"] >= 2
    # the assessment: scored here, best kept, attempts capped; a sheet that does not fit is refused
    assert_problem(event(c, t, "p", e, 1, "answers", [1]), 422)
    assert_problem(event(c, t, "p", e, 1, "answers", [1, 5]), 422)        # option 5 of a 2-option question
    assert_problem(event(c, t, "p", e, 2, "answers", [0]), 422)           # module 2 has no assessment
    assert_problem(c.post("/v1/me/training/enrolments/%s/events" % e, json={"module": 1, "event": "finished",
                                                                            "answers": [1, 1]}, headers=t["p"]), 400)
    r = event(c, t, "p", e, 1, "answers", [0, 0])
    assert r.json()["modules"][0]["best_score"] == 0 and r.json()["modules"][0]["attempts"] == 1
    r = event(c, t, "p", e, 1, "answers", [1, 0])
    assert r.json()["modules"][0]["best_score"] == 50 and r.json()["status"] == "enrolled"
    r = event(c, t, "p", e, 1, "answers", [0, 1])
    assert r.json()["modules"][0]["best_score"] == 50 and r.json()["modules"][0]["attempts"] == 3
    assert_problem(event(c, t, "p", e, 1, "answers", [1, 1]), 409)        # 3 attempts allowed
    # below the pass mark (60) with every module counted: not complete
    assert event(c, t, "p", e, 2, "started").status_code == 200
    r = event(c, t, "p", e, 2, "finished")
    assert r.json()["modules"][1]["counted"] is True and r.json()["status"] == "enrolled" and r.json()["completion"] is None
    assert "answer\"" not in r.text and "key" not in r.text
    g = c.get("/v1/me/training/enrolments/" + e, headers=t["p"])
    assert g.status_code == 200 and g.json()["modules"] == r.json()["modules"]
    assert_problem(c.get("/v1/me/training/enrolments/" + e, headers=t["q"]), 404)


def test_anomaly_flags_inform_the_nodal_officer_and_never_erase_progress(api, db, c, w, t):
    """Five new officers of A take a course of three modules with no minimum time at once, from one
    client, with the same answer sheet (half right, the pass mark): every one is flagged many_fast
    (three finishes within a minute), the fourth and fifth same_answers (a sheet three others gave),
    the fifth bulk_client (the fifth completion from one client within the hour); all five are
    complete, with their score, and their certificates verify."""
    a = w["a"]
    fast = course(c, t, "FLAG-1", pass_mark=50, modules=[dict(COURSE["modules"][0], min_seconds=0),
                                                         {"title": "Two", "min_seconds": 0}, {"title": "Three", "min_seconds": 0}])
    people = [w["off"].add(a, "officer")[0] for _ in range(5)]
    h = dict(t, **{u: bearer(tokens(c, u)["access_token"]) for u in people})
    done = []
    for u in people:
        e = enrol(c, h, u, fast["id"])
        for n in (1, 2, 3):
            assert event(c, h, u, e, n, "started").status_code == 200
            assert event(c, h, u, e, n, "finished").json()["modules"][n - 1]["counted"] is True
            if n == 1:
                assert event(c, h, u, e, 1, "answers", [1, 0]).json()["modules"][0]["best_score"] == 50
        r = c.get("/v1/me/training/enrolments/" + e, headers=h[u])
        assert r.json()["status"] == "completed" and r.json()["completion"]["score"] == 50, r.text
        done.append(r.json()["completion"])
    kinds = lambda u: sorted(f["kind"] for f in c.get("/v1/departments/%s/training/officers/%s" % (a, u),
                                                        headers=t["nodal_a"]).json()["flags"] if f["course"]["code"] == "FLAG-1")
    for u in people[:3]:  # (bulk_client too, when other tests completed from this client within the hour)
        assert "many_fast" in kinds(u) and "same_answers" not in kinds(u), kinds(u)
    assert "same_answers" in kinds(people[3]) and "many_fast" in kinds(people[3])
    assert kinds(people[4]) == ["bulk_client", "many_fast", "same_answers"]
    listed = c.get("/v1/departments/%s/training/flags?limit=100" % a, headers=t["nodal_a"]).json()["items"]
    assert {f["kind"] for f in listed if f["uid"] == people[4]} >= {"bulk_client", "many_fast", "same_answers"}
    assert mine(c, h, people[4])["flags"]  # the officer sees them too
    # flags inform: the completions stand and verify
    for u, d in zip(people, done):
        assert [x["id"] for x in mine(c, h, u)["completions"]] == [d["id"]]
    jws = c.get("/v1/me/training/certificates/" + done[4]["id"], headers=h[people[4]]).json()["certificate"]
    v = httpx.post(api.url + "/v1/certificates/verify", json={"certificate": jws}).json()
    assert v["valid"] is True and v["certificate"]["score"] == 50, v


def test_an_honest_completion_issues_a_certificate_anyone_can_verify(api, db, c, w, t):
    cr = course(c, t, "CERT-1")
    done = complete(c, t, "q", cr["id"])
    today = office_today()
    assert done["score"] == 100 and done["completed_on"] == today.isoformat() and done["revoked_at"] is None
    if not (today.month == 2 and today.day == 29):
        assert done["valid_until"] == today.replace(year=today.year + 1).isoformat()
    assert_problem(event(c, t, "q", enrol_id(db, w["q"], cr["id"]), 1, "started"), 409, "course-complete")  # no more events
    r = c.get("/v1/me/training/certificates/" + done["id"], headers=t["q"])
    assert r.status_code == 200, r.text
    jws, claims = r.json()["certificate"], r.json()["claims"]
    assert len(jws) < 1000  # a QR code holds it
    assert claims == {"sub": w["q"], "jti": done["id"], "token_use": "training_certificate", "course": "CERT-1",
                      "completed": today.isoformat(), "score": 100, "valid_until": done["valid_until"],
                      "exp": claims["exp"]}
    # an independent JOSE library with the JWKS alone
    jwks = httpx.get(api.url + "/.well-known/jwks.json").json()
    kid = pyjwt.get_unverified_header(jws)["kid"]
    key = [k for k in jwks["keys"] if k["kid"] == kid][0]
    got = pyjwt.decode(jws, pyjwt.PyJWK(key).key, algorithms=["ES256"], issuer="daftar")
    assert got["sub"] == w["q"] and got["jti"] == done["id"] and got["course"] == "CERT-1" and got["iss"] == "daftar"
    # the verify route, with no login
    v = httpx.post(api.url + "/v1/certificates/verify", json={"certificate": jws})
    assert v.status_code == 200 and v.json()["valid"] is True and v.json()["certificate"]["uid"] == w["q"], v.text
    # nobody else fetches it
    for who in ("p", "nodal_a", "admin"):
        assert_problem(c.get("/v1/me/training/certificates/" + done["id"], headers=t[who]), 404)
    # a certificate is no access token, and an access token no certificate
    assert c.get("/v1/me", headers=bearer(jws)).status_code == 401
    v = httpx.post(api.url + "/v1/certificates/verify", json={"certificate": t["q"]["Authorization"][7:]}).json()
    assert v["valid"] is False and v["reason"] == "not_a_certificate"


def enrol_id(db, uid, course_id):
    return db.psql("SELECT id FROM state_training.enrolments WHERE uid = '%s' AND course = '%s'"
                   % (uid, course_id)).stdout.strip()


def b64(d):
    return base64.urlsafe_b64encode(json.dumps(d, separators=(",", ":")).encode()).rstrip(b"=").decode()


def cli_verify(db, tmp_path, token):
    """daftar certificate verify FILE: (exit status, its JSON answer)."""
    f = tmp_path / "certificate.txt"
    f.write_text(token + "\n")
    p = db.cli("certificate", "verify", str(f), check=False)
    return p.returncode, json.loads(p.stdout) if p.stdout.strip() else p.stderr


def test_tampered_foreign_and_revoked_certificates_are_refused(api, db, c, w, t, tmp_path):
    cr = course(c, t, "CERT-2")
    done = complete(c, t, "p", cr["id"])
    jws = c.get("/v1/me/training/certificates/" + done["id"], headers=t["p"]).json()["certificate"]
    verify = lambda token: httpx.post(api.url + "/v1/certificates/verify", json={"certificate": token}).json()
    head, payload, sig = jws.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    # the command line says what the route says
    rc, got = cli_verify(db, tmp_path, jws)
    assert rc == 0 and got == verify(jws) and got["valid"] is True and got["certificate"]["uid"] == w["p"], got
    rc, got = cli_verify(db, tmp_path, ".".join([head, b64(dict(claims, sub=w["q"])), sig]))
    assert (rc, got["valid"], got["reason"]) == (1, False, "bad_signature"), got
    assert cli_verify(db, tmp_path, "not a certificate") == (1, verify("not a certificate"))
    assert verify(".".join([head, b64(dict(claims, sub=w["q"])), sig]))["reason"] == "bad_signature"
    assert verify(".".join([head, b64(dict(claims, score=100, course="CERT-9")), sig]))["reason"] == "bad_signature"
    assert verify(jws[:-4] + ("AAAA" if not jws.endswith("AAAA") else "BBBB"))["reason"] == "bad_signature"
    assert verify("not a certificate")["reason"] == "malformed"
    assert verify(b64({"alg": "none", "kid": "x" * 10}) + "." + payload + ".")["reason"] == "malformed"
    # signed by a key of our own under daftar's kid: the signature does not verify
    foreign = ec.generate_private_key(ec.SECP256R1())
    forged = pyjwt.encode(dict(claims, iss="daftar"), foreign, algorithm="ES256",
                          headers={"kid": pyjwt.get_unverified_header(jws)["kid"]})
    assert verify(forged)["reason"] == "bad_signature"
    assert verify(pyjwt.encode(claims, foreign, algorithm="ES256", headers={"kid": "unknown-kid-1"}))["reason"] == "unknown_key"
    # revocation: training_admin only, once; then refused and listed, publicly
    url = "/v1/certificates/%s/revoke" % done["id"]
    for who in ("p", "nodal_a", "admin_a"):
        assert_problem(c.post(url, json={"reason": "x"}, headers=t[who]), 403)
    r = c.post(url, json={"reason": "Completed by another person."}, headers=t["admin"])
    assert r.status_code == 200 and r.json()["revoked_at"] is not None, r.text
    assert_problem(c.post(url, json={"reason": "again"}, headers=t["admin"]), 409)
    v = verify(jws)
    assert v["valid"] is False and v["reason"] == "revoked" and v["revoked_at"] is not None
    rc, got = cli_verify(db, tmp_path, jws)
    assert rc == 1 and got == v, got
    listed = httpx.get(api.url + "/v1/certificates/revoked?limit=100").json()
    assert done["id"] in [x["id"] for x in listed["items"]]
    assert_problem(c.get("/v1/me/training/certificates/" + done["id"], headers=t["p"]), 404)
    # a revoked completion counts for nothing: the course can be taken again
    assert c.post("/v1/me/training/enrolments", json={"course_id": cr["id"]}, headers=t["p"]).status_code == 201


def test_a_certificate_outlives_its_key_being_unpublished(api, db, c, w, t):
    cr = course(c, t, "CERT-3")
    done = complete(c, t, "admin_a", cr["id"])
    jws = c.get("/v1/me/training/certificates/" + done["id"], headers=t["admin_a"]).json()["certificate"]
    kid = pyjwt.get_unverified_header(jws)["kid"]
    db.psql("UPDATE daftar.signing_keys SET published_until = now() - interval '1 second' WHERE kid = '%s'" % kid)
    try:
        v = httpx.post(api.url + "/v1/certificates/verify", json={"certificate": jws}).json()
        assert v["valid"] is True, v
    finally:
        db.psql("UPDATE daftar.signing_keys SET published_until = NULL WHERE kid = '%s'" % kid)


# ---------------------------------------------------------------- compliance, reminders, imports

def service(db, dept, roles, scopes):
    args = ["service", "add", "--dept", dept, "--name", "iGOT", "--role", roles]
    if scopes:
        args += ["--scope", scopes]
    out = db.cli(*args).stdout
    return out.split("client_id: ")[1].split()[0], out.split("client_secret: ")[1].split()[0]


def service_token(c, cid_secret):
    r = c.post("/v1/auth/token", json={"grant_type": "client_credentials", "client_id": cid_secret[0],
                                       "client_secret": cid_secret[1]})
    assert r.status_code == 200, r.text
    return bearer(r.json()["access_token"])


@pytest.fixture(scope="module")
def cmp(db, tmp_path_factory):
    """A department of its own for numbers that other tests do not disturb: a nodal officer and three officers."""
    d = db.add_dept("trc")
    off = Officers(db, str(tmp_path_factory.mktemp("pw")))
    return {"d": d, "nodal": off.add(d, "officer,training_nodal")[0], "x": off.add(d, "officer")[0],
            "y": off.add(d, "officer")[0], "z": off.add(d, "officer")[0]}


def test_compliance_names_for_the_nodal_officer_numbers_for_the_rest(db, c, w, t, cmp):
    h = {k: bearer(tokens(c, cmp[k])["access_token"]) for k in ("nodal", "x", "y", "z")}
    tt = dict(t, **h)
    cr = course(c, t, "CMP-1")
    asg = assign(c, tt, "nodal", cmp["d"], cr["id"], target=60).json()
    complete(c, tt, "x", cr["id"])
    e = enrol(c, tt, "y", cr["id"])
    assert event(c, tt, "y", e, 2, "started").status_code == 200
    enrol(c, tt, "z", cr["id"])  # enrolled, nothing begun: not started
    url = "/v1/departments/%s/training/assignments/%s/compliance" % (cmp["d"], asg["id"])
    r = c.get(url, headers=h["nodal"])
    assert r.status_code == 200, r.text
    got = r.json()
    assert (got["assigned"], got["completed"], got["in_progress"], got["not_started"], got["overdue"]) == (4, 1, 1, 2, 0)
    assert got["completion_pct"] == 25.0 and got["target"] == 60 and got["met"] is False
    status = {o["uid"]: o["status"] for o in got["officers"]}
    assert status == {cmp["x"]: "completed", cmp["y"]: "in_progress", cmp["z"]: "not_started", cmp["nodal"]: "not_started"}
    # who may not read names
    assert_problem(c.get(url, headers=h["x"]), 403)
    assert_problem(c.get(url, headers=t["nodal_b"]), 403)  # not a member
    assert_problem(c.get("/v1/departments/%s/training/assignments/%s/compliance" % (w["b"], asg["id"]),
                         headers=t["nodal_b"]), 404)
    # the state and other departments' nodal officers: numbers only
    state = "/v1/training/assignments/%s/compliance" % asg["id"]
    for who in ("admin", "nodal_b", "nodal_a"):
        r = c.get(state, headers=t[who])
        assert r.status_code == 200, (who, r.text)
        assert r.json()["departments"] == [{k: got[k] for k in ("dept", "assigned", "completed", "in_progress",
                                                                "not_started", "overdue", "completion_pct", "target", "met")}]
        for uid in (cmp["x"], cmp["y"], cmp["z"]):
            assert uid not in r.text
    for who in ("p", "admin_a", "outsider"):
        assert_problem(c.get(state, headers=t[who]), 403)
    # the database refuses the roster's names to everyone else
    count = "SELECT count(*) FROM state_training.assignees WHERE assignment = '%s'" % asg["id"]
    assert last(as_state_role(db, count, uid=cmp["nodal"], roles=",officer,training_nodal,", dept=cmp["d"])) == "4"
    assert last(as_state_role(db, count, uid=w["nodal_b"], roles=",officer,training_nodal,", dept=w["b"])) == "0"
    assert last(as_state_role(db, count, uid=w["admin"], roles=",officer,training_admin,", dept=w["trg"])) == "0"
    assert last(as_state_role(db, count, uid=cmp["x"], roles=",officer,", dept=cmp["d"])) == "1"  # their own row


def wait_for(fn, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        v = fn()
        if v:
            return v
        time.sleep(0.1)
    return fn()


def test_reminders_and_the_overdue_mark_come_from_the_deadlines_timers(db, c, w, t):
    cr = course(c, t, "DUE-1")
    complete(c, t, "nodal_a", cr["id"])
    asg = assign(c, t, "nodal_a", w["a"], cr["id"], deadline=future(3)).json()
    # a week before the deadline has passed: the reminder is due at once, to those who have not completed
    reminded = lambda kind: db.psql("SELECT string_agg(uid, ',' ORDER BY uid) FROM state_training.reminders "
                                    "WHERE assignment = '%s' AND kind = '%s'" % (asg["id"], kind)).stdout.strip()
    assert wait_for(lambda: reminded("due_soon"))
    assert w["p"] in reminded("due_soon").split(",") and w["nodal_a"] not in reminded("due_soon").split(",")
    assert {"assignment": asg["id"], "kind": "due_soon"}.items() <= mine(c, t, "p")["reminders"][0].items()
    # the end of the deadline's day (brought forward): overdue, marked on those not complete, reminded
    db.psql("UPDATE state_training.timers SET due_at = now() WHERE kind = 'training_overdue' AND subject = '%s'" % asg["id"])
    assert wait_for(lambda: reminded("overdue"))
    assert c.get("/v1/departments/%s/training/assignments/%s" % (w["a"], asg["id"]), headers=t["p"]).json()["overdue"] is True
    got = c.get("/v1/departments/%s/training/assignments/%s/compliance" % (w["a"], asg["id"]), headers=t["nodal_a"]).json()
    marks = {o["uid"]: o["marked_overdue"] for o in got["officers"]}
    assert marks[w["nodal_a"]] is False and marks[w["p"]] is True
    assert db.psql("SELECT count(*) FROM state_training.timers WHERE subject = '%s' AND fired_at IS NULL"
                   % asg["id"]).stdout.strip() == "0"


def test_a_nodal_officer_reads_their_own_departments_officers_only(c, w, t):
    cr = course(c, t, "NODAL-1")
    e = enrol(c, t, "p", cr["id"])
    event(c, t, "p", e, 1, "started")
    event(c, t, "p", e, 1, "finished")  # too fast: flagged
    url = "/v1/departments/%s/training/officers/%s" % (w["a"], w["p"])
    r = c.get(url, headers=t["nodal_a"])
    assert r.status_code == 200, r.text
    assert e in [x["id"] for x in r.json()["enrolments"]] and "too_fast" in [f["kind"] for f in r.json()["flags"]]
    for who in ("q", "p", "admin_a"):
        assert_problem(c.get(url, headers=t[who]), 403)
    assert_problem(c.get(url, headers=t["nodal_b"]), 403)
    assert_problem(c.get("/v1/departments/%s/training/officers/%s" % (w["b"], w["p"]), headers=t["nodal_b"]), 404)
    flags_a = c.get("/v1/departments/%s/training/flags?limit=100" % w["a"], headers=t["nodal_a"]).json()["items"]
    assert w["p"] in [f["uid"] for f in flags_a]
    flags_b = c.get("/v1/departments/%s/training/flags?limit=100" % w["b"], headers=t["nodal_b"]).json()["items"]
    assert w["p"] not in [f["uid"] for f in flags_b]
    assert_problem(c.get("/v1/departments/%s/training/flags" % w["a"], headers=t["q"]), 403)
    # an officer sees what their progress raised
    assert "too_fast" in [f["kind"] for f in mine(c, t, "p")["flags"]]


def test_completions_from_another_platform_by_a_service_account(db, c, w, t):
    cr = course(c, t, "IGOT-1")
    a = w["a"]
    asg = assign(c, t, "nodal_a", a, cr["id"]).json()
    importer = service_token(c, service(db, a, "officer,training_nodal", "training:import"))
    no_scope = service_token(c, service(db, a, "officer,training_nodal", None))
    no_role = service_token(c, service(db, a, "officer", "training:import"))
    url = "/v1/departments/%s/training/imports" % a
    rec = {"record_id": "do_1/77", "uid": w["p"], "course": "IGOT-1", "completed_on": office_today().isoformat(),
           "score": 88}
    body = {"source": "igot", "records": [rec, dict(rec, record_id="do_1/78", uid=w["outsider"]),
                                          dict(rec, record_id="do_1/79", uid="12345"),
                                          dict(rec, record_id="do_1/80", course="NOPE-9"),
                                          dict(rec, record_id="do_1/81", completed_on=future(2)),
                                          dict(rec, record_id="do_1/82", score=101)]}
    r = c.post(url, json=body, headers=importer)
    assert r.status_code == 200, r.text
    got = r.json()
    assert [(x["row"], x["result"]) for x in got["rows"]] == [(1, "recorded"), (2, "refused"), (3, "refused"), (4, "refused"),
                                                               (5, "refused"), (6, "refused")]
    assert got["rows"][1]["reason"] == "Not an officer of this department." and got["rows"][3]["reason"] == "No such course."
    # idempotent by the record id; a record id is one officer's
    again = c.post(url, json=body, headers=importer).json()
    assert (again["recorded"], again["already"]) == (0, 1)
    r = c.post(url, json={"source": "igot", "records": [dict(rec, uid=w["q"])]}, headers=importer)
    assert r.json()["rows"][0]["result"] == "refused"
    # it counts: the officer has completed the course, with its source
    done = [x for x in mine(c, t, "p")["completions"] if x["course"]["code"] == "IGOT-1"]
    assert len(done) == 1 and done[0]["source"] == "igot" and done[0]["source_ref"] == "do_1/77" and done[0]["score"] == 88
    assert c.post("/v1/me/training/enrolments", json={"course_id": cr["id"]}, headers=t["p"]).status_code == 409
    # and toward the assignment: the nodal officer's compliance counts p completed
    got = c.get("/v1/departments/%s/training/assignments/%s/compliance" % (a, asg["id"]), headers=t["nodal_a"]).json()
    assert {o["uid"]: o["status"] for o in got["officers"]}[w["p"]] == "completed" and got["completed"] >= 1, got
    # without the scope, without the role, another department's nodal officer, a plain officer
    assert_problem(c.post(url, json=body, headers=no_scope), 403)
    assert_problem(c.post(url, json=body, headers=no_role), 403)
    for who in ("nodal_b", "p"):
        assert_problem(c.post(url, json=body, headers=t[who]), 403)
    assert_problem(c.post(url, json=dict(body, source="daftar"), headers=importer), 400)
    # a service account reaches nothing else of training
    assert_problem(c.get("/v1/me/training", headers=importer), 403)
    assert_problem(c.get("/v1/departments/%s/training/flags" % a, headers=importer), 403)


def test_an_audience_of_a_section(db, c, w, t):
    a = w["a"]
    db.psql("UPDATE daftar.memberships SET section = 'BUDGET' WHERE uid = '%s' AND dept = '%s'" % (w["q"], a))
    cr = course(c, t, "SEC-1")
    assert_problem(assign(c, t, "nodal_a", a, cr["id"], audience="section", audience_value="budget"), 400)
    r = assign(c, t, "nodal_a", a, cr["id"], audience="section", audience_value="BUDGET")
    assert r.status_code == 201, r.text
    assert db.psql("SELECT string_agg(uid, ',') FROM state_training.assignees WHERE assignment = '%s'"
                   % r.json()["id"]).stdout.strip() == w["q"]
    assert r.json()["id"] in [x["id"] for x in mine(c, t, "q")["assignments"]]
    assert r.json()["id"] not in [x["id"] for x in mine(c, t, "p")["assignments"]]


def test_an_audience_of_a_pay_level_reads_e_hrms_through_its_interface_only(db, c, w, t):
    """The issue's audience by pay level: the level lives in e-HRMS (scope hr), which training's role may not
    read; the roster takes it through state_hr.pay_level_of, one number about a member of the department."""
    a = w["a"]
    est = bearer(tokens(c, w["est_a"])["access_token"])
    particulars = {"service": "Rajasthan Administrative Service", "cadre": "RAS", "post": "Assistant",
                   "date_of_birth": "1990-06-15", "date_of_joining": "2015-07-16"}
    for who, level in (("p", 10), ("q", 6)):
        r = c.put("/v1/departments/%s/employees/%s" % (a, w[who]), json=dict(particulars, pay_level=level), headers=est)
        assert r.status_code in (200, 201), r.text
    cr = course(c, t, "PAY-1")
    for bad in ("", "0", "19", "12-10", "ten", "10-", "-10", "06", "6-9-12", "1-100"):
        assert_problem(assign(c, t, "nodal_a", a, cr["id"], audience="pay_level", audience_value=bad), 400)

    def roster(r):
        assert r.status_code == 201, r.text
        return db.psql("SELECT coalesce(string_agg(uid, ',' ORDER BY uid), '') FROM state_training.assignees "
                       "WHERE assignment = '%s'" % r.json()["id"]).stdout.strip()
    senior = assign(c, t, "nodal_a", a, cr["id"], audience="pay_level", audience_value="9-11")
    assert roster(senior) == w["p"] and senior.json()["audience"] == "pay_level"
    assert roster(assign(c, t, "nodal_a", a, cr["id"], audience="pay_level", audience_value="6")) == w["q"]
    assert senior.json()["id"] in [x["id"] for x in mine(c, t, "p")["assignments"]]
    assert senior.json()["id"] not in [x["id"] for x in mine(c, t, "q")["assignments"]]
    # a promotion in e-HRMS moves the officer into the audience at the next sync
    version = c.get("/v1/departments/%s/employees/%s" % (a, w["q"]), headers=est).headers["etag"]
    r = c.put("/v1/departments/%s/employees/%s" % (a, w["q"]), json=dict(particulars, pay_level=11),
              headers=dict(est, **{"If-Match": version}))
    assert r.status_code == 200, r.text
    r = c.post("/v1/departments/%s/training/assignments/%s/sync" % (a, senior.json()["id"]), headers=t["nodal_a"])
    assert r.status_code == 200, r.text
    assert roster(senior).split(",") == sorted([w["p"], w["q"]])
    assert senior.json()["id"] in [x["id"] for x in mine(c, t, "q")["assignments"]]
    # the database refuses training's role the interface and e-HRMS itself; the interface answers nothing
    # about an officer who is not a member of the request's department
    for sql in ("SELECT state_hr.pay_level_of('%s')" % w["p"], "SELECT pay_level FROM state_hr.employees"):
        p = as_state_role(db, sql, uid=w["nodal_a"], roles="officer,training_nodal", dept=a, check=False)
        assert p.returncode != 0 and "permission denied" in p.stderr, sql
    asked = "SELECT set_config('daftar.dept', '%s', false), state_hr.pay_level_of('%s')"
    assert db.psql(asked % (a, w["p"])).stdout.strip().endswith("|10")
    assert db.psql(asked % (w["b"], w["p"])).stdout.strip().endswith("|")


# ---------------------------------------------------------------- privacy

# Every column training keeps. Training holds an officer's UID and progress and nothing else about
# them (no phone, location, device identifiers, contacts, analytics): a new column fails this test
# until it is added here, by someone who checked it is neither.
COLUMNS = {
    "settings": "name value updated_at",
    # the live events outbox (issue 22): whom an event is for (UIDs) and ids, nothing else
    "events": "n at type subject audience data",
    "events_head": "one n",
    # client_addr: the salted client tag (client_tag.sql), never the address; seq, prev_hash, hash: the chain
    "audit": "id at actor dept action subject request_id detail client_addr seq prev_hash hash",
    "courses": "id code title title_hi provider competencies pass_mark validity_months max_attempts status version "
               "created_by created_at updated_at",
    "modules": "course n title title_hi min_seconds",
    "questions": "course module n text options answer",
    "assignments": "id dept course audience audience_value deadline target overdue_at version created_by created_at",
    "assignees": "assignment dept uid added_at overdue",
    "enrolments": "id uid course source enrolled_by enrolled_at status completed_at version",
    "module_progress": "enrolment module uid started_at finished_at seconds counted attempts best_score",
    "progress_events": "id enrolment uid module event at seconds counted score sheet client",
    "completions": "id uid course enrolment completed_on score valid_until source source_ref client recorded_by recorded_at",
    "revocations": "completion revoked_at revoked_by reason",
    "flags": "id uid course enrolment kind detail at",
    "timers": "id kind subject payload due_at attempts last_error fired_at created_at",
    "reminders": "assignment uid kind at",
    "batches": "id course starts_on ends_on venue capacity created_by created_at version cancelled_at cancel_reason",
    "batch_seats": "batch enrolment uid status booked_at seated_at",
}


def test_training_keeps_uids_and_progress_and_nothing_else_about_an_officer(db, c, t):
    rows = db.psql("SELECT table_name, string_agg(column_name, ' ' ORDER BY ordinal_position) FROM information_schema.columns "
                   "WHERE table_schema = 'state_training' GROUP BY table_name").stdout.strip().splitlines()
    got = dict(r.split("|") for r in rows)
    assert got == COLUMNS
    for column in " ".join(COLUMNS.values()).split():
        assert not re.search(r"phone|mobile|email|location|latitude|longitude|device|imei|contact|address|aadhaar", column)
    # the client of an event is a salted hash, never the address; the salt is not readable by the role
    assert event(c, t, "q", enrol(c, t, "q", course(c, t, "TAG-1")["id"]), 1, "started").status_code == 200
    tags = db.psql("SELECT DISTINCT client FROM state_training.progress_events").stdout.split()
    assert tags and all(re.fullmatch(r"[0-9a-f]{16}", x) for x in tags)
    tags = db.psql("SELECT DISTINCT client_addr FROM state_training.audit").stdout.split()
    assert tags and all(re.fullmatch(r"[0-9a-f]{16}", x) for x in tags)
    assert last(as_state_role(db, "SELECT count(*) FROM state_training.settings WHERE name = 'client_salt'")) == "0"


PERSONAL = {"enrolments": "uid", "module_progress": "uid", "progress_events": "uid", "completions": "uid", "flags": "uid",
            "reminders": "uid", "assignees": "uid", "batch_seats": "uid", "audit": "subject"}


def test_the_database_refuses_an_officers_progress_to_all_but_them_and_their_nodal_officer(db, c, w, t):
    """Run as the server runs a request in scope training, with each caller's settings: the officer
    alone, their department's nodal officer, another department's, training_admin, a colleague."""
    cr = course(c, t, "PRIV-1")
    assign(c, t, "nodal_a", w["a"], cr["id"], deadline=future(2))  # roster row, reminder due at once
    e = enrol(c, t, "p", cr["id"])
    batch = c.post("/v1/courses/%s/batches" % cr["id"], headers=t["admin"],
                   json={"starts_on": future(1), "ends_on": future(1), "venue": "Secretariat", "capacity": 5}).json()
    assert c.post("/v1/me/training/enrolments", json={"course_id": cr["id"], "batch_id": batch["id"]},
                  headers=t["p"]).status_code == 201  # a place in a classroom batch
    event(c, t, "p", e, 1, "started")
    event(c, t, "p", e, 1, "finished")  # too fast: a flag
    done = complete(c, t, "p", course(c, t, "PRIV-2")["id"])
    assert done["id"]
    assert wait_for(lambda: db.psql("SELECT count(*) FROM state_training.reminders WHERE uid = '%s'"
                                    % w["p"]).stdout.strip() != "0")
    callers = {"officer": dict(uid=w["p"]),
               "nodal": dict(uid=w["nodal_a"], roles=",officer,training_nodal,", dept=w["a"]),
               "other_nodal": dict(uid=w["nodal_b"], roles=",officer,training_nodal,", dept=w["b"]),
               "admin": dict(uid=w["admin"], roles=",officer,training_admin,", dept=w["trg"]),
               "admin_alone": dict(uid=w["admin"]),
               "colleague": dict(uid=w["q"], roles=",officer,", dept=w["a"]),
               "outsider": dict(uid=w["outsider"], roles=",officer,", dept=w["b"]),
               "nobody": dict()}
    for table, col in PERSONAL.items():
        total = db.psql("SELECT count(*) FROM state_training.%s WHERE %s = '%s'" % (table, col, w["p"])).stdout.strip()
        assert int(total) > 0, table
        sql = "SELECT count(*) FROM state_training.%s WHERE %s = '%s'" % (table, col, w["p"])
        seen = {who: last(as_state_role(db, sql, **kw)) for who, kw in callers.items()}
        expect_nodal = "0" if table == "audit" else total
        assert seen == {"officer": total, "nodal": expect_nodal, "other_nodal": "0", "admin": "0", "admin_alone": "0",
                        "colleague": "0", "outsider": "0", "nobody": "0"}, (table, seen)
    # and none of it is written but by the functions: every personal table refuses the role's own writes
    for table, col in PERSONAL.items():
        p = as_state_role(db, "WITH d AS (DELETE FROM state_training.%s WHERE %s = '%s' RETURNING 1) SELECT count(*) FROM d"
                          % (table, col, w["p"]), uid=w["p"], check=False)
        assert p.returncode != 0 or last(p) == "0", table


def test_my_data_holds_my_training_and_no_one_elses(c, w, t):
    d = c.get("/v1/me/data", headers=t["p"]).json()["training"]
    assert d["enrolments"] and d["events"] and d["completions"] and d["flags"]
    assert {x["uid"] for x in d["enrolments"]} == {w["p"]} and {x["uid"] for x in d["completions"]} == {w["p"]}
    assert all(re.fullmatch(r"[0-9a-f]{16}", x["client"]) for x in d["events"])
    assert "enrolment.create" in [x["action"] for x in d["changes"]]
    for other in (w["q"], w["outsider"]):  # (the nodal officer who enrolled them is named, as enrolled_by)
        assert other not in json.dumps(d)
