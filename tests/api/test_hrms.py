"""e-HRMS in the statewide scope `hr` (issue 17 section 4, issue 19): records that follow the officer
live in schema state_hr under role state_hr; PostgreSQL refuses that role everything outside its
schema but one catalog view, refuses department roles the schema, and its row-level policies
filter rows by the settings each request sets. Over HTTP/2: the establishment of a department
the officer belongs to keeps the particulars; the officer reads them; nobody else reaches them."""
import time

import httpx
import pytest

from conftest import Server, keyed_env
from test_auth import Officers, bearer, tokens

PARTICULARS = {"service": "Rajasthan Administrative Service", "cadre": "RAS", "post": "Deputy Secretary",
               "pay_level": 11, "date_of_birth": "1975-06-15", "date_of_joining": "2001-07-16"}


@pytest.fixture(scope="module")
def w(db, tmp_path_factory):
    a, b = db.add_dept("hra"), db.add_dept("hrb")
    off = Officers(db, str(tmp_path_factory.mktemp("pw")))
    return {"a": a, "b": b, "off": off,
            "est_a": off.add(a, "officer,establishment")[0], "est_a2": off.add(a, "officer,establishment")[0],
            "est_b": off.add(b, "officer,establishment")[0], "hr_a": off.add(a, "officer,hr_admin")[0],
            "p": off.add(a, "officer")[0], "q": off.add(a, "officer")[0], "peer": off.add(a, "officer")[0]}


@pytest.fixture(scope="module")
def api(db, w):
    s = Server(env_extra=keyed_env(db))
    s.wait_ready()
    yield s
    s.stop()


@pytest.fixture(scope="module")
def t(api, w):
    with httpx.Client(base_url=api.url, http1=False, http2=True, timeout=20) as c:
        yield {k: bearer(tokens(c, w[k])["access_token"]) for k in ("est_a", "est_a2", "est_b", "hr_a", "p", "q", "peer")}


@pytest.fixture
def c(api):
    with httpx.Client(base_url=api.url, http1=False, http2=True, timeout=20) as client:
        yield client


def url(dept, uid):
    return "/v1/departments/%s/employees/%s" % (dept, uid)


def as_state_role(db, sql, uid="", roles=",", dept="", check=True):
    """Runs sql as the server does for a request in scope hr: daftar_api, SET ROLE state_hr, the officer settings."""
    return db.psql("BEGIN; SET LOCAL ROLE state_hr; SELECT set_config('daftar.officer_uid', '%s', true), "
                   "set_config('daftar.roles', '%s', true), set_config('daftar.dept', '%s', true), "
                   "set_config('daftar.request_id', 't', true), set_config('daftar.client_addr', '', true); %s; COMMIT;"
                   % (uid, roles, dept, sql), user="daftar_api", check=check)


# ---------------------------------------------------------------- the database refuses

def test_state_role_reaches_nothing_outside_its_schema(db, w):
    for sql in ("SELECT * FROM dept_%s.profile" % w["a"], "SELECT * FROM daftar.credentials",
                "SELECT * FROM daftar.officers", "SELECT * FROM daftar.memberships",
                "SELECT * FROM daftar.refresh_tokens", "SELECT * FROM daftar.dept_key"):
        p = as_state_role(db, sql, check=False)
        assert p.returncode != 0 and "permission denied" in p.stderr, sql
    # a department's role does not reach the state schema either, nor does the server's own role
    p = db.psql("BEGIN; SET LOCAL ROLE dept_%s; SELECT * FROM state_hr.employees" % w["a"], user="daftar_api", check=False)
    assert p.returncode != 0 and "permission denied" in p.stderr
    p = db.psql("SELECT * FROM state_hr.employees", user="daftar_api", check=False)
    assert p.returncode != 0 and "permission denied" in p.stderr
    out = db.psql("SELECT rolcanlogin, rolinherit, pg_has_role('state_hr', 'daftar_state', 'MEMBER') "
                  "FROM pg_roles WHERE rolname = 'state_hr'").stdout.strip()
    assert out == "f|t|t"


def test_every_state_object_is_its_roles_and_no_function_is_public(db):
    bad = db.psql("SELECT string_agg(p.oid::regprocedure::text, ', ') FROM pg_proc p "
                  "WHERE p.pronamespace = 'state_hr'::regnamespace AND (NOT has_function_privilege('state_hr', p.oid, "
                  "'EXECUTE') OR has_function_privilege('public', p.oid, 'EXECUTE'))").stdout.strip()
    assert bad == ""
    # every table has row-level security; the audit is append-only for the role
    assert db.psql("SELECT count(*) FROM pg_class WHERE relnamespace = 'state_hr'::regnamespace AND relkind = 'r' "
                   "AND NOT relrowsecurity").stdout.strip() == "0"
    assert db.psql("SELECT has_table_privilege('state_hr', 'state_hr.audit', 'UPDATE') OR "
                   "has_table_privilege('state_hr', 'state_hr.audit', 'DELETE')").stdout.strip() == "f"


def test_policies_filter_rows_by_the_request_settings(db, w, c, t):
    # two officers with particulars, written through the API
    for who in ("p", "q"):
        r = c.put(url(w["a"], w[who]), json=PARTICULARS, headers=t["est_a"])
        assert r.status_code in (201, 428), r.text
    count = "SELECT count(*) FROM state_hr.employees WHERE uid IN ('%s', '%s')" % (w["p"], w["q"])
    # an officer alone sees their own row; a statement that forgot every rule still sees no other
    assert as_state_role(db, count, uid=w["p"]).stdout.strip().splitlines()[-1] == "1"
    # the establishment of A sees A's members
    assert as_state_role(db, count, uid=w["est_a"], roles=",officer,establishment,",
                         dept=w["a"]).stdout.strip().splitlines()[-1] == "2"
    # the same roles claimed for B, where neither is a member: nothing
    assert as_state_role(db, count, uid=w["est_b"], roles=",officer,establishment,",
                         dept=w["b"]).stdout.strip().splitlines()[-1] == "0"
    # a write past the function's checks: refused by the policy
    p = as_state_role(db, "WITH u AS (UPDATE state_hr.employees SET post = 'x' WHERE uid = '%s' RETURNING uid) "
                      "SELECT count(*) FROM u" % w["p"], uid=w["p"])
    assert p.stdout.strip().splitlines()[-1] == "0"  # own row: readable, not writable
    p = as_state_role(db, "INSERT INTO state_hr.employees (uid, service, post, pay_level, date_of_birth, date_of_joining, "
                      "superannuation, updated_by) VALUES ('%s', 's', 'p', 1, '1980-01-02', '2005-01-01', '2040-01-31', 'x')"
                      % w["peer"], uid=w["est_b"], roles=",establishment,", dept=w["b"], check=False)
    assert p.returncode != 0 and "row-level security" in p.stderr
    p = as_state_role(db, "WITH d AS (DELETE FROM state_hr.employees WHERE uid = '%s' RETURNING uid) "
                      "SELECT count(*) FROM d" % w["p"], uid=w["est_a"], roles=",establishment,", dept=w["a"])
    assert p.stdout.strip().splitlines()[-1] == "0"  # nobody deletes


# ---------------------------------------------------------------- over HTTP/2

def test_establishment_writes_and_the_officer_reads(c, w, t):
    r = c.put(url(w["a"], w["peer"]), json=dict(PARTICULARS, phone="+919876543210", email="peer@example.gov.in"),
              headers=t["est_a"])
    assert r.status_code == 201, r.text
    e = r.json()
    assert r.headers["etag"] == '"1"' and e["version"] == 1
    assert e["superannuation"] == "2035-06-30" and e["phone"] == "+919876543210"
    assert c.get(url(w["a"], w["peer"]), headers=t["peer"]).json() == e
    assert c.get(url(w["a"], w["peer"]), headers=t["est_a2"]).json() == e
    # a change needs the current version
    r = c.put(url(w["a"], w["peer"]), json=PARTICULARS, headers=t["est_a"])
    assert r.status_code == 428
    r = c.put(url(w["a"], w["peer"]), json=dict(PARTICULARS, date_of_birth="1975-06-01", pay_level=12),
              headers=dict(t["est_a2"], **{"If-Match": '"1"'}))
    assert r.status_code == 200 and r.headers["etag"] == '"2"', r.text
    assert r.json()["superannuation"] == "2035-05-31" and r.json()["pay_level"] == 12 and r.json()["phone"] is None
    r = c.put(url(w["a"], w["peer"]), json=PARTICULARS, headers=dict(t["est_a"], **{"If-Match": '"1"'}))
    assert r.status_code == 412


def test_nobody_else_reaches_the_particulars(c, w, t):
    c.put(url(w["a"], w["q"]), json=PARTICULARS, headers=t["est_a"])
    # another officer of the department, its hr_admin (not the establishment), another department's establishment
    for who, dept in (("p", w["a"]), ("hr_a", w["a"]), ("est_b", w["b"])):
        r = c.get(url(dept, w["q"]), headers=t[who])
        assert r.status_code == 404, (who, r.status_code)
        r = c.put(url(dept, w["q"]), json=PARTICULARS, headers=dict(t[who], **{"If-Match": '"1"'}))
        assert r.status_code == 404, (who, r.status_code)
    # a department the caller is not a member of
    assert c.get(url(w["b"], w["q"]), headers=t["est_a"]).status_code == 403
    # nobody writes their own
    r = c.put(url(w["a"], w["est_a"]), json=PARTICULARS, headers=t["est_a"])
    assert r.status_code == 403
    # malformed UIDs name nobody
    assert c.get(url(w["a"], "12345678901"), headers=t["est_a"]).status_code == 404


def test_records_follow_the_officer_to_another_department(db, c, w, t):
    c.put(url(w["a"], w["q"]), json=PARTICULARS, headers=t["est_a"])
    assert c.get(url(w["b"], w["q"]), headers=t["est_b"]).status_code == 404
    db.cli("officer", "grant", w["q"], "--dept", w["b"], "--role", "officer")
    try:
        r = c.get(url(w["b"], w["q"]), headers=t["est_b"])  # the next request, no new token
        assert r.status_code == 200 and r.json()["uid"] == w["q"]
    finally:
        db.cli("officer", "revoke", w["q"], "--dept", w["b"])
    assert c.get(url(w["b"], w["q"]), headers=t["est_b"]).status_code == 404


def test_bad_particulars_are_refused_with_the_field(c, w, t):
    for body, field in ((dict(PARTICULARS, pay_level=19), "pay_level"), (dict(PARTICULARS, date_of_birth="1975-02-30"),
                        "date_of_birth"), ({k: v for k, v in PARTICULARS.items() if k != "post"}, "post"),
                        (dict(PARTICULARS, aadhaar="123412341234"), "aadhaar")):
        r = c.put(url(w["a"], w["p"]), json=body, headers=dict(t["est_a"], **{"If-Match": '"1"'}))
        assert r.status_code == 400, (field, r.text)
        assert field in r.text
    r = c.put(url(w["a"], w["p"]), json=dict(PARTICULARS, date_of_joining="1980-01-01"),
              headers=dict(t["est_a"], **{"If-Match": '"1"'}))
    assert r.status_code == 422


def test_state_audit_records_who_changed_what(db, w):
    rows = db.psql("SELECT actor, dept, action FROM state_hr.audit WHERE subject = '%s' ORDER BY id" % w["peer"]).stdout
    assert rows.strip().splitlines() == ["%s|%s|employee.create" % (w["est_a"], w["a"]),
                                         "%s|%s|employee.update" % (w["est_a2"], w["a"])]


def test_a_scope_behind_is_refused_until_migrated(db, c, w, t):
    """An old database: a policy missing and its file's digest not this binary's. The server answers 503
    for the scope (never serves rules it does not know), and `daftar migrate` puts the file's policy back."""
    c.put(url(w["a"], w["p"]), json=PARTICULARS, headers=t["est_a"])
    assert c.get(url(w["a"], w["p"]), headers=t["p"]).status_code == 200
    db.psql("DROP POLICY employees_read ON state_hr.employees; UPDATE daftar.schema_functions SET sha256 = 'older' "
            "WHERE scope = 'state:hr' AND name = 'employees_policies'; NOTIFY daftar_departments")
    try:
        for _ in range(50):
            r = c.get(url(w["a"], w["p"]), headers=t["p"])
            if r.status_code == 503:
                break
            time.sleep(0.05)
        assert r.status_code == 503 and "daftar_departments" not in r.text
        assert c.get("/v1/departments/%s" % w["a"]).status_code == 200  # departments still served
    finally:
        out = db.cli("migrate").stdout
    assert "applied state:hr state/hr/functions/employees_policies" in out
    for _ in range(50):
        r = c.get(url(w["a"], w["p"]), headers=t["p"])
        if r.status_code != 503:
            break
        time.sleep(0.05)
    assert r.status_code == 200 and r.json()["uid"] == w["p"]
