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
            "p": off.add(a, "officer")[0], "q": off.add(a, "officer")[0], "peer": off.add(a, "officer")[0],
            "hoo_a": off.add(a, "officer,hoo")[0], "hoo_b": off.add(b, "officer,hoo")[0],
            "est_hoo_a": off.add(a, "officer,establishment,hoo")[0], "sb": off.add(a, "officer")[0]}


@pytest.fixture(scope="module")
def api(db, w):
    s = Server(env_extra=keyed_env(db))
    s.wait_ready()
    yield s
    s.stop()


@pytest.fixture(scope="module")
def t(api, w):
    with httpx.Client(base_url=api.url, http1=False, http2=True, timeout=20) as c:
        yield {k: bearer(tokens(c, w[k])["access_token"]) for k in ("est_a", "est_a2", "est_b", "hr_a", "p", "q", "peer", "hoo_a",
                                                               "hoo_b", "est_hoo_a", "sb")}


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


def test_an_officer_downloads_everything_held_about_them(c, w, t):
    c.put(url(w["a"], w["peer"]), json=PARTICULARS, headers=t["est_a"])  # exists already: 428, or new
    r = c.get("/v1/me/data", headers=t["peer"])
    assert r.status_code == 200, r.text
    d = r.json()
    assert d["identity"]["uid"] == w["peer"] and d["identity"]["memberships"][0]["dept"] == w["a"]
    assert d["hr"]["employee"]["uid"] == w["peer"]
    assert [x["action"] for x in d["hr"]["changes"]][:2] == ["employee.create", "employee.update"]
    # someone without records: their identity, no particulars, nobody else's
    d = c.get("/v1/me/data", headers=t["est_b"]).json()
    assert d["identity"]["uid"] == w["est_b"] and d["hr"] == {"employee": None, "changes": []}
    assert c.get("/v1/me/data").status_code == 401


def book(dept, uid, rest=""):
    return "/v1/departments/%s/employees/%s/service-book%s" % (dept, uid, rest)


def test_service_book_entered_attested_objected_to_and_corrected(db, c, w, t):
    a, sb = w["a"], w["sb"]
    entry = {"kind": "appointment", "effective": "2001-07-16", "details": "Appointed Assistant, pay level 6 (नियुक्ति)"}
    r = c.post(book(a, sb), json=entry, headers=t["est_a"])
    assert r.status_code == 201 and r.headers["etag"] == '"1"', r.text
    assert r.json()["n"] == 1 and r.json()["status"] == "draft"
    # the establishment edits its draft; the head of office attests that version, not an older one
    r = c.patch(book(a, sb, "/1"), json={"details": "Appointed Assistant, pay level 6"},
                headers=dict(t["est_a"], **{"If-Match": '"1"'}))
    assert r.status_code == 200 and r.headers["etag"] == '"2"', r.text
    assert c.post(book(a, sb, "/1/attest"), headers=dict(t["hoo_a"], **{"If-Match": '"1"'})).status_code == 412
    # the establishment may not attest (hoo only); one who holds both may not attest their own entry
    assert c.post(book(a, sb, "/1/attest"), headers=dict(t["est_a"], **{"If-Match": '"2"'})).status_code == 404
    r = c.post(book(a, sb), json=dict(entry, kind="confirmation", effective="2003-07-16", details="Confirmed"),
               headers=t["est_hoo_a"])
    assert r.status_code == 201 and r.json()["n"] == 2
    assert c.post(book(a, sb, "/2/attest"), headers=dict(t["est_hoo_a"], **{"If-Match": '"1"'})).status_code == 403
    r = c.post(book(a, sb, "/1/attest"), headers=dict(t["hoo_a"], **{"If-Match": '"2"'}))
    assert r.status_code == 200 and r.json()["status"] == "attested" and len(r.json()["hash"]) == 64, r.text
    assert c.post(book(a, sb, "/2/attest"), headers=dict(t["hoo_a"], **{"If-Match": '"1"'})).status_code == 200
    # attested entries never change, through the API or past it
    r = c.patch(book(a, sb, "/1"), json={"details": "x"}, headers=dict(t["est_a"], **{"If-Match": '"3"'}))
    assert r.status_code == 409
    p = as_state_role(db, "WITH u AS (UPDATE state_hr.service_book SET details = 'x' WHERE uid = '%s' RETURNING 1) "
                      "SELECT count(*) FROM u" % sb, uid=w["est_a"], roles=",establishment,hoo,", dept=a)
    assert p.stdout.strip().splitlines()[-1] == "0"
    assert c.get(book(a, sb, "/verify"), headers=t["sb"]).json() == {"ok": True, "checked": 2, "first_broken": None}
    # the officer reads their book and objects to an entry; not to someone else's
    mine = c.get(book(a, sb), headers=t["sb"]).json()
    assert [e["n"] for e in mine["entries"]] == [1, 2] and mine["objections"] == []
    assert c.post(book(a, sb, "/1/objections"), json={"remarks": "x"}, headers=t["est_a"]).status_code == 403
    r = c.post(book(a, sb, "/1/objections"), json={"remarks": "My pay level at appointment was 7, not 6."},
               headers=t["sb"])
    assert r.status_code == 201, r.text
    objection = r.json()["id"]
    # the establishment corrects: a new entry naming the first, attested, and the answer names it
    r = c.post(book(a, sb), json=dict(entry, details="Appointed Assistant, pay level 7", corrects=1), headers=t["est_a"])
    assert r.status_code == 201 and r.json()["corrects"] == 1 and r.json()["n"] == 3
    c.post(book(a, sb, "/3/attest"), headers=dict(t["hoo_a"], **{"If-Match": '"1"'}))
    r = c.patch(book(a, sb, "/objections/%d" % objection), json={"status": "corrected", "correction": 2},
                headers=t["est_a"])
    assert r.status_code == 422  # entry 2 does not correct entry 1
    r = c.patch(book(a, sb, "/objections/%d" % objection), json={"status": "corrected", "correction": 3,
                                                                  "answer": "Corrected by entry 3."}, headers=t["est_a"])
    assert r.status_code == 200 and r.json()["status"] == "corrected", r.text
    assert c.patch(book(a, sb, "/objections/%d" % objection), json={"status": "rejected", "answer": "no"},
                   headers=t["est_a"]).status_code == 409
    # both sides see the thread
    for who in ("sb", "est_a", "hoo_a"):
        thread = c.get(book(a, sb), headers=t[who]).json()["objections"]
        assert thread[0]["status"] == "corrected" and thread[0]["correction"] == 3 and thread[0]["remarks"].startswith("My")
    assert c.get(book(a, sb, "/verify"), headers=t["est_a"]).json() == {"ok": True, "checked": 3, "first_broken": None}
    # a rejection needs reasons
    r = c.post(book(a, sb, "/2/objections"), json={"remarks": "Date wrong"}, headers=t["sb"])
    second = r.json()["id"]
    assert c.patch(book(a, sb, "/objections/%d" % second), json={"status": "rejected"},
                   headers=t["est_a"]).status_code == 422
    assert c.patch(book(a, sb, "/objections/%d" % second), json={"status": "rejected", "answer": "As per order 12/2003."},
                   headers=t["est_a"]).status_code == 200


def test_service_book_object_level_matrix(c, w, t):
    a, b, sb = w["a"], w["b"], w["sb"]
    c.post(book(a, sb), json={"kind": "award", "effective": "2020-01-26", "details": "Award"}, headers=t["est_a"])
    # other officers of the department, its hr_admin, other departments' establishment and head of office: nothing
    for who, dept in (("p", a), ("hr_a", a), ("est_b", b), ("hoo_b", b)):
        assert c.get(book(dept, sb), headers=t[who]).status_code == 404, who
        assert c.get(book(dept, sb, "/verify"), headers=t[who]).status_code == 404, who
        r = c.post(book(dept, sb), json={"kind": "award", "effective": "2020-01-26", "details": "x"}, headers=t[who])
        assert r.status_code == 404, (who, r.status_code)
        assert c.post(book(dept, sb, "/1/objections"), json={"remarks": "x"}, headers=t[who]).status_code == 403
        assert c.patch(book(dept, sb, "/objections/1"), json={"status": "rejected", "answer": "x"},
                       headers=t[who]).status_code == 404
    assert c.get(book(b, sb), headers=t["sb"]).status_code == 403  # not a member of b
    # nobody enters into their own book
    r = c.post(book(a, w["est_a"]), json={"kind": "award", "effective": "2020-01-26", "details": "x"}, headers=t["est_a"])
    assert r.status_code == 403
    # bad input names the field
    r = c.post(book(a, sb), json={"kind": "bribe", "effective": "2020-01-26", "details": "x"}, headers=t["est_a"])
    assert r.status_code == 400 and "kind" in r.text
    r = c.post(book(a, sb), json={"kind": "award", "details": "x"}, headers=t["est_a"])
    assert r.status_code == 400 and "effective" in r.text
    r = c.post(book(a, sb), json={"kind": "award", "effective": "2020-01-26", "details": "x", "corrects": 99},
               headers=t["est_a"])
    assert r.status_code == 422


def test_a_tampered_service_book_fails_verification(db, c, w, t):
    a, sb = w["a"], w["sb"]
    # as the database's superuser, past every rule: the chain shows it
    db.psql("UPDATE state_hr.service_book SET details = details || ' (edited)' WHERE uid = '%s' AND n = 2" % sb)
    assert c.get(book(a, sb, "/verify"), headers=t["sb"]).json() == {"ok": False, "checked": 1, "first_broken": 2}
