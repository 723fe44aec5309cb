"""Training in the statewide scope `training` (issue 21): the state's course catalogue, managed by
training_admin held in the department the state names; answer keys that never leave the server
(the scope's role may not even read them). Schema state_training under role state_training:
PostgreSQL refuses that role everything outside its schema but one catalog view, and its
row-level policies filter rows by the settings each request sets. Over HTTP/2, with the
object-level matrix: training_admin, a training_admin of another department, a nodal officer,
a plain officer, an outsider."""
import copy

import httpx
import pytest

from conftest import Server, assert_problem, keyed_env
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
    assert_problem(c.post("/v1/courses", json=COURSE, headers=t["admin"]), 409)


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
        assert p["errors"][0]["field"] == field, p

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
