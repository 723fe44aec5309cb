"""e-HRMS in the statewide scope `hr` (issue 17 section 4, issue 19): records that follow the officer
live in schema state_hr under role state_hr; PostgreSQL refuses that role everything outside its
schema but one catalog view, refuses department roles the schema, and its row-level policies
filter rows by the settings each request sets. Over HTTP/2: the establishment of a department
the officer belongs to keeps the particulars; the officer reads them; nobody else reaches them."""
import datetime
import time

import httpx
import pytest

from conftest import Server, keyed_env, office_today
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
            "est_hoo_a": off.add(a, "officer,establishment,hoo")[0], "sb": off.add(a, "officer")[0],
            "so_a": off.add(a, "officer,section_officer")[0], "lv": off.add(a, "officer")[0],
            "racer": off.add(a, "officer")[0], "tr": off.add(a, "officer")[0], "esc": off.add(a, "officer")[0],
            "ds": off.add(a, "officer")[0]}


@pytest.fixture(scope="module")
def api(db, w):
    s = Server(env_extra=keyed_env(db, DAFTAR_TIMERS_RESCAN_MS="100"))
    s.wait_ready()
    yield s
    s.stop()


@pytest.fixture(scope="module")
def t(api, w):
    with httpx.Client(base_url=api.url, http1=False, http2=True, timeout=20) as c:
        yield {k: bearer(tokens(c, w[k])["access_token"]) for k in ("est_a", "est_a2", "est_b", "hr_a", "p", "q", "peer", "hoo_a",
                                                               "hoo_b", "est_hoo_a", "sb", "so_a", "lv", "racer", "tr", "esc",
                                                               "ds")}


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


# ---------------------------------------------------------------- leave

def leave(dept, rest=""):
    return "/v1/departments/%s/leave%s" % (dept, rest)


def monday(weeks_ahead):
    d = office_today() + datetime.timedelta(days=7 * weeks_ahead)
    return d - datetime.timedelta(days=d.weekday())


def iso(d):
    return d.isoformat()


def balances(c, t, who):
    mine = c.get("/v1/me/leave", headers=t[who]).json()
    ledger = c.get("/v1/me/leave/ledger", headers=t[who]).json()
    sums = {}
    for e in ledger["entries"]:
        sums[e["type"]] = sums.get(e["type"], 0) + float(e["days"])
    got = {b["type"]: float(b["balance"]) for b in mine["balances"]}
    # a balance is the ledger's sum, always
    assert {k: float(v) for k, v in ledger["balances"].items()} == got
    assert all(abs(got[k] - sums.get(k, 0)) < 1e-9 for k in got), (got, sums)
    assert all(v >= 0 for v in got.values()), got
    return got


def act(c, t, who, dept, app, action, **body):
    cur = c.get(leave(dept, "/applications/%s" % app["id"]), headers=t[who])
    etag = cur.headers.get("etag", '"%d"' % app["version"])
    return c.post(leave(dept, "/applications/%s/actions" % app["id"]), json=dict(body, action=action),
                  headers=dict(t[who], **{"If-Match": etag}))


def test_leave_applied_escalated_approved_at_two_levels_curtailed_cancelled(db, c, w, t):
    a = w["a"]
    assert c.put(url(a, w["lv"]), json=PARTICULARS, headers=t["est_a"]).status_code == 201
    start = balances(c, t, "lv")
    assert start["CL"] == 8 and start["EL"] == 15 and start["HPL"] == 10
    # half pay leave: section officer, then head of office
    mon = monday(3)
    r = c.post(leave(a, "/applications"), json={"type": "HPL", "from_date": iso(mon), "to_date": iso(mon + datetime.timedelta(days=3)),
                                                  "reason": "Family function"}, headers=t["lv"])
    assert r.status_code == 201, r.text
    hpl = r.json()
    assert hpl["days"] == 4 and hpl["chain"] == ["section_officer", "hoo"] and hpl["waiting_for"] == "section_officer"
    assert balances(c, t, "lv")["HPL"] == 6
    # not for the head of office yet, nor for the applicant
    assert act(c, t, "hoo_a", a, hpl, "approve").status_code == 403
    waiting = c.get(leave(a, "/applications?box=waiting"), headers=t["so_a"]).json()["items"]
    assert hpl["id"] in [x["id"] for x in waiting]
    r = act(c, t, "so_a", a, hpl, "approve", remarks="Recommended")
    assert r.status_code == 200 and r.json()["waiting_for"] == "hoo" and r.json()["level"] == 2, r.text
    r = act(c, t, "hoo_a", a, hpl, "approve")
    assert r.status_code == 200 and r.json()["status"] == "approved", r.text
    assert [x["action"] for x in r.json()["actions"]] == ["applied", "approve", "approve"]
    # curtailed: the days not taken come back
    r = act(c, t, "lv", a, hpl, "curtail", to_date=iso(mon + datetime.timedelta(days=1)))
    assert r.status_code == 200 and r.json()["days"] == 2, r.text
    assert balances(c, t, "lv")["HPL"] == 8
    # earned leave waits for the section officer, who sits on it: it escalates by itself (a timer)
    r = c.post(leave(a, "/applications"), json={"type": "EL", "from_date": iso(monday(6)),
                                                  "to_date": iso(monday(6) + datetime.timedelta(days=4))}, headers=t["lv"])
    el = r.json()
    assert r.status_code == 201 and el["chain"] == ["section_officer"] and balances(c, t, "lv")["EL"] == 10
    db.psql("UPDATE state_hr.timers SET due_at = now() - interval '1 second' WHERE subject = '%s' AND fired_at IS NULL"
            % el["id"])
    for _ in range(100):
        cur = c.get(leave(a, "/applications/%s" % el["id"]), headers=t["lv"]).json()
        if cur["escalated"]:
            break
        time.sleep(0.1)
    assert cur["escalated"] and cur["waiting_for"] == "hoo" and cur["actions"][-1]["by"] == "timer", cur
    assert act(c, t, "so_a", a, el, "approve").status_code == 403  # it has moved on
    assert act(c, t, "hoo_a", a, el, "approve").json()["status"] == "approved"
    # cancelled before it begins: every day back
    r = act(c, t, "lv", a, el, "cancel")
    assert r.status_code == 200 and r.json()["status"] == "cancelled", r.text
    # a rejection credits back too
    r = c.post(leave(a, "/applications"), json={"type": "CL", "from_date": iso(monday(8)), "to_date": iso(monday(8))},
               headers=t["lv"])
    assert r.status_code == 201 and balances(c, t, "lv")["CL"] == 7
    assert act(c, t, "so_a", a, r.json(), "reject", remarks="Audit week").json()["status"] == "rejected"
    end = balances(c, t, "lv")
    assert end == dict(start, HPL=8), end
    assert act(c, t, "lv", a, r.json(), "cancel").status_code == 409


def test_an_escalation_by_the_timer_tells_whom_it_now_waits_for(db, api, c, w, t):
    """The timers thread escalates with no department in its session; its leave.needs_me still reaches the
    head of office the application now waits for, on their event stream."""
    from test_events import Stream
    a = w["a"]
    assert c.put(url(a, w["esc"]), json=PARTICULARS, headers=t["est_a"]).status_code == 201
    r = c.post(leave(a, "/applications"), json={"type": "EL", "from_date": iso(monday(10)),
                                                  "to_date": iso(monday(10) + datetime.timedelta(days=1))}, headers=t["esc"])
    assert r.status_code == 201 and r.json()["waiting_for"] == "section_officer", r.text
    el = r.json()
    hoo = Stream({"server": api, "t_hoo_a": list(t["hoo_a"].values())[0].split()[1]}, "hoo_a")
    try:
        db.psql("UPDATE state_hr.timers SET due_at = now() - interval '1 second' WHERE subject = '%s' AND fired_at IS NULL"
                % el["id"])
        deadline = time.monotonic() + 10
        while not [e for e in hoo.events() if e["event"] == "leave.needs_me" and e["subject"] == el["id"]]:
            assert time.monotonic() < deadline, "no leave.needs_me after the escalation: %s" % [e["event"] for e in hoo.events()]
            time.sleep(0.05)
        got = [e for e in hoo.events() if e["event"] == "leave.needs_me" and e["subject"] == el["id"]]
        assert len(got) == 1 and got[0]["data"]["escalated"] is True and got[0]["data"]["uid"] == w["esc"], got
    finally:
        hoo.close()
    cur = c.get(leave(a, "/applications/%s" % el["id"]), headers=t["esc"]).json()
    assert cur["escalated"] and cur["waiting_for"] == "hoo", cur


def test_leave_rules_refuse_with_the_reason(c, w, t):
    a = w["a"]
    mon = monday(12)
    r = c.post(leave(a, "/holidays"), json={"day": iso(mon + datetime.timedelta(days=2)), "name": "Holi"}, headers=t["lv"])
    assert r.status_code == 403
    r = c.post(leave(a, "/holidays"), json={"day": iso(mon + datetime.timedelta(days=2)), "name": "होली"}, headers=t["est_a"])
    assert r.status_code == 201, r.text
    assert {"day": iso(mon + datetime.timedelta(days=2)), "name": "होली"} in \
        c.get(leave(a, "/holidays?year=%d" % (mon + datetime.timedelta(days=2)).year), headers=t["lv"]).json()
    # casual leave counts working days: Monday to Friday around a holiday is 4
    r = c.post(leave(a, "/applications"), json={"type": "CL", "from_date": iso(mon), "to_date": iso(mon + datetime.timedelta(days=4))},
               headers=t["lv"])
    assert r.status_code == 201 and r.json()["days"] == 4, r.text
    cl = r.json()
    cases = [
        ({"type": "CL", "from_date": iso(mon - datetime.timedelta(days=1)), "to_date": iso(mon - datetime.timedelta(days=1))},
         422, "working days", "leave-on-holidays"),                   # a Sunday
        ({"type": "EL", "from_date": iso(mon + datetime.timedelta(days=4)), "to_date": iso(mon + datetime.timedelta(days=8))},
         409, "this period", "leave-overlaps"),                       # overlaps
        ({"type": "EL", "from_date": iso(mon + datetime.timedelta(days=5)), "to_date": iso(mon + datetime.timedelta(days=8))},
         422, "not combined", "casual-leave-combined"),               # next to casual leave
        ({"type": "EL", "from_date": iso(monday(20)), "to_date": iso(monday(20) + datetime.timedelta(days=40))}, 422, "balance",
         "leave-balance-short"),
        ({"type": "ML", "from_date": iso(monday(30)), "to_date": iso(monday(30) + datetime.timedelta(days=200))}, 422, "180",
         "leave-over-per-occasion"),
        ({"type": "XX", "from_date": iso(monday(30)), "to_date": iso(monday(30))}, 422, "type", "leave-type-unknown"),
        ({"type": "EL", "from_date": iso(monday(31)), "to_date": iso(monday(30))}, 422, "before", "leave-dates-reversed"),
    ]
    for body, status, words, slug in cases:  # each refusal its own type, and a Hindi detail
        r = c.post(leave(a, "/applications"), json=body, headers=t["lv"])
        assert r.status_code == status and words in r.json().get("detail", ""), (body, r.status_code, r.text)
        assert r.json()["type"] == "urn:daftar:problem:" + slug, (body, r.text)
        hi = c.post(leave(a, "/applications"), json=body, headers=dict(t["lv"], **{"Accept-Language": "hi"})).json()
        assert hi["type"] == r.json()["type"] and any("\u0900" <= ch <= "\u097f" for ch in hi["detail"]), hi
    for body, field in (({"type": "cl", "from_date": iso(mon), "to_date": iso(mon)}, "type"),
                        ({"type": "CL", "to_date": iso(mon)}, "from_date"),
                        ({"type": "CL", "from_date": iso(mon), "to_date": iso(mon), "extends": "x"}, "extends")):
        r = c.post(leave(a, "/applications"), json=body, headers=t["lv"])
        assert r.status_code == 400 and field in r.text, (body, r.text)
    assert act(c, t, "lv", a, cl, "curtail").status_code == 400  # curtail names the new last day
    assert act(c, t, "lv", a, cl, "cancel").status_code == 200


def test_leave_object_level_matrix(c, w, t):
    a, b = w["a"], w["b"]
    app = c.get("/v1/me/leave", headers=t["lv"]).json()["applications"][0]
    for who, dept, status in (("peer", a, 404), ("p", a, 404), ("est_b", b, 404), ("hoo_b", b, 404), ("est_b", a, 403)):
        assert c.get(leave(dept, "/applications/%s" % app["id"]), headers=t[who]).status_code == status, who
        r = c.post(leave(dept, "/applications/%s/actions" % app["id"]), json={"action": "approve"},
                   headers=dict(t[who], **{"If-Match": '"%d"' % app["version"]}))
        assert r.status_code == status, (who, r.status_code)
        assert c.get(url(dept, w["lv"]) + "/leave", headers=t[who]).status_code == status, who
        if who != "est_b" or dept != a:
            assert app["id"] not in [x["id"] for x in
                                     c.get(leave(dept, "/applications?box=waiting"), headers=t[who]).json()["items"]]
    for who in ("est_a", "so_a", "hoo_a", "lv"):
        assert c.get(url(a, w["lv"]) + "/leave", headers=t[who]).status_code == 200, who
    # the applicant's own list; nobody else's in it
    mine = c.get(leave(a, "/applications?box=mine&limit=2"), headers=t["lv"]).json()
    assert len(mine["items"]) == 2 and all(x["uid"] == w["lv"] for x in mine["items"]) and mine["next_cursor"]
    more = c.get(leave(a, "/applications?box=mine&limit=2&cursor=" + mine["next_cursor"]), headers=t["lv"]).json()
    assert not {x["id"] for x in more["items"]} & {x["id"] for x in mine["items"]}


def test_concurrent_applications_race_for_the_last_days(api, c, w, t):
    """Six applications of five days each against a balance of 15, all at once over HTTP/2:
    three granted their debit, three refused; no negative balance, no lost debit."""
    import concurrent.futures
    a = w["a"]
    assert c.put(url(a, w["racer"]), json=PARTICULARS, headers=t["est_a"]).status_code == 201
    assert balances(c, t, "racer")["EL"] == 15

    def apply(k):
        with httpx.Client(base_url=api.url, http1=False, http2=True, timeout=30) as cc:
            start = monday(40 + 2 * k)
            return cc.post(leave(a, "/applications"), json={"type": "EL", "from_date": iso(start),
                                                            "to_date": iso(start + datetime.timedelta(days=4))},
                           headers=t["racer"]).status_code

    with concurrent.futures.ThreadPoolExecutor(6) as pool:
        codes = sorted(pool.map(apply, range(6)))
    assert codes == [201, 201, 201, 422, 422, 422], codes
    assert balances(c, t, "racer")["EL"] == 0


def test_half_yearly_credits_run_once_on_the_deadlines_engine(db, c, w, t):
    """Two timers for one period (as if two servers had set them): the credit happens once per officer;
    casual leave left over lapses before the year's new credit."""
    before = balances(c, t, "peer") if c.get("/v1/me/leave", headers=t["peer"]).status_code == 200 else None
    period = "%d-01" % (office_today().year + 1)
    # the one the first particulars set, due on 1 January, made due now; and a second one
    db.psql("UPDATE state_hr.timers SET due_at = now() - interval '1 second' WHERE kind = 'leave_credit' "
            "AND payload ->> 'period' = '%s' AND fired_at IS NULL; "
            "INSERT INTO state_hr.timers (kind, subject, due_at, payload) VALUES ('leave_credit', gen_random_uuid(), "
            "now() - interval '1 second', '{\"period\": \"%s\"}'); NOTIFY daftar_timers" % (period, period))
    for _ in range(100):
        left = db.psql("SELECT count(*) FROM state_hr.timers WHERE kind = 'leave_credit' AND payload ->> 'period' = '%s' "
                       "AND fired_at IS NULL" % period).stdout.strip()
        if left == "0":
            break
        time.sleep(0.1)
    assert left == "0"
    rows = db.psql("SELECT rule, days FROM state_hr.leave_ledger WHERE uid = '%s' AND rule LIKE '%%%s%%' ORDER BY rule"
                   % (w["peer"], period[:4])).stdout.split()
    assert rows == ["CL:%s|8.0" % period, "EL:%s|15.0" % period, "HPL:%s|10.0" % period], rows
    after = balances(c, t, "peer")
    assert after["CL"] == 8 and after["EL"] == min(300, before["EL"] + 15) and after["HPL"] == before["HPL"] + 10
    lapse = db.psql("SELECT days FROM state_hr.leave_ledger WHERE uid = '%s' AND rule = 'CL:lapse:%d'"
                    % (w["peer"], office_today().year)).stdout.strip()
    assert lapse == "-%s.0" % int(before["CL"])
    # the next period's timer is set
    assert db.psql("SELECT count(*) FROM state_hr.timers WHERE kind = 'leave_credit' AND fired_at IS NULL "
                   "AND payload ->> 'period' = '%d-07'" % (office_today().year + 1)).stdout.strip() == "1"



# ---------------------------------------------------------------- postings

def test_a_transfer_moves_the_membership_with_effect_on_the_next_request(db, c, w, t):
    a, b, tr = w["a"], w["b"], w["tr"]
    today = office_today().isoformat()
    order = {"kind": "transfer", "to_dept": b, "designation": "Under Secretary", "roles": ["officer", "section_officer"],
             "order_no": "GAD/TR/2026/114", "effective": today}
    posting = "/v1/departments/%s/employees/%s/postings"
    # who may not order it
    assert c.post(posting % (a, tr), json=order, headers=t["p"]).status_code == 404
    assert c.post(posting % (b, tr), json=order, headers=t["est_b"]).status_code == 404
    assert c.post(posting % (a, w["est_a"]), json=order, headers=t["est_a"]).status_code == 403
    assert c.post(posting % (a, tr), json=dict(order, roles=["officer", "dept_admin"]), headers=t["est_a"]).status_code == 422
    assert c.post(posting % (a, tr), json=dict(order, roles=["officer", "officer"]), headers=t["est_a"]).status_code == 400
    r = c.post(posting % (a, tr), json=order, headers=t["est_a"])
    assert r.status_code == 201 and r.json()["status"] == "ordered", r.text
    p = r.json()
    assert c.post(posting % (a, tr), json=order, headers=t["est_a"]).status_code == 409  # one open order at a time
    mine = "/v1/departments/%s/leave/applications?box=mine"
    assert c.get(mine % a, headers=t["tr"]).status_code == 200 and c.get(mine % b, headers=t["tr"]).status_code == 403
    acts = "/v1/departments/%s/postings/%s/actions"
    # joining comes after relieving; relieving is the old department's
    assert c.post(acts % (b, p["id"]), json={"action": "join"}, headers=dict(t["est_b"], **{"If-Match": '"1"'})).status_code == 409
    assert c.post(acts % (b, p["id"]), json={"action": "relieve"},
                  headers=dict(t["est_b"], **{"If-Match": '"1"'})).status_code == 409
    assert c.post(acts % (a, p["id"]), json={"action": "relieve"}, headers=dict(t["p"], **{"If-Match": '"1"'})).status_code == 404
    r = c.post(acts % (a, p["id"]), json={"action": "relieve"}, headers=dict(t["est_a"], **{"If-Match": '"1"'}))
    assert r.status_code == 200 and r.json()["status"] == "relieved", r.text
    # the next request: no longer a member of A, not yet of B
    assert c.get(mine % a, headers=t["tr"]).status_code == 403
    assert c.get(mine % b, headers=t["tr"]).status_code == 403
    assert p["id"] in [x["id"] for x in c.get("/v1/departments/%s/postings" % b, headers=t["est_b"]).json()]
    r = c.post(acts % (b, p["id"]), json={"action": "join"}, headers=dict(t["est_b"], **{"If-Match": '"2"'}))
    assert r.status_code == 200 and r.json()["status"] == "joined", r.text
    assert c.get(mine % b, headers=t["tr"]).status_code == 200
    me = c.get("/v1/me", headers=t["tr"]).json()
    assert [(m["dept"], m["roles"], m["designation"]) for m in me["memberships"]] == \
        [(b, ["officer", "section_officer"], "Under Secretary")]
    # the service book has both steps, entered by each establishment, for the head of office to attest
    book_b = c.get(book(b, tr), headers=t["est_b"]).json()["entries"]
    assert [(e["kind"], e["dept"], e["status"]) for e in book_b] == [("posting", a, "draft"), ("posting", b, "draft")]
    assert c.get(book(a, tr), headers=t["est_a"]).status_code == 404  # the old department's establishment: no longer
    assert c.post(acts % (b, p["id"]), json={"action": "cancel"},
                  headers=dict(t["est_b"], **{"If-Match": '"3"'})).status_code == 409


def test_the_state_role_changes_memberships_only_through_the_posting_function(db, w):
    p = as_state_role(db, "DELETE FROM daftar.memberships WHERE uid = '%s'" % w["p"], uid=w["est_a"],
                      roles=",establishment,", dept=w["a"], check=False)
    assert p.returncode != 0 and "permission denied" in p.stderr
    # the function checks the catalog, not the settings: a plain officer claiming the role is refused
    p = as_state_role(db, "SELECT daftar.posting_membership('%s', '%s', NULL, NULL)" % (w["p"], w["a"]), uid=w["peer"],
                      roles=",establishment,", dept=w["a"], check=False)
    assert p.returncode != 0 and "Only the establishment" in p.stderr
    # a department's role may not call it at all
    p = db.psql("BEGIN; SET LOCAL ROLE dept_%s; SELECT daftar.posting_membership('%s', '%s', NULL, NULL)"
                % (w["a"], w["p"], w["a"]), user="daftar_api", check=False)
    assert p.returncode != 0 and "permission denied" in p.stderr


def test_updated_since_gives_applications_changed_since_and_names_those_no_longer_waiting(c, w, t):
    """Mobile delta sync (issue 26): listLeave takes updated_since; synced_at is what to pass next; an
    application decided since leaves the approver's box=waiting and is named in `removed`; the applicant's
    box=mine has both and removes nothing. Garbage is a 400 problem."""
    a = w["a"]
    assert c.put(url(a, w["ds"]), json=PARTICULARS, headers=t["est_a"]).status_code == 201
    full = c.get(leave(a, "/applications?box=waiting"), headers=t["so_a"])
    assert full.status_code == 200 and "removed" not in full.json(), full.text
    since = full.json()["synced_at"]
    datetime.datetime.fromisoformat(since.replace("Z", "+00:00"))
    time.sleep(0.05)
    made = []
    for weeks in (40, 41):
        r = c.post(leave(a, "/applications"), json={"type": "CL", "from_date": iso(monday(weeks)), "to_date": iso(monday(weeks))},
                   headers=t["ds"])
        assert r.status_code == 201 and r.json()["waiting_for"] == "section_officer", r.text
        made.append(r.json())
    kept, gone = made
    assert act(c, t, "so_a", a, gone, "approve").json()["status"] == "approved"
    delta = c.get(leave(a, "/applications"), params={"box": "waiting", "updated_since": since}, headers=t["so_a"])
    assert delta.status_code == 200, delta.text
    body = delta.json()
    ids = [x["id"] for x in body["items"]]
    assert kept["id"] in ids and gone["id"] not in ids and gone["id"] in body["removed"], body
    assert kept["id"] not in body["removed"] and body["synced_at"] >= since
    mine = c.get(leave(a, "/applications"), params={"box": "mine", "updated_since": since}, headers=t["ds"]).json()
    assert {x["id"] for x in mine["items"]} == {kept["id"], gone["id"]} and mine["removed"] == [], mine
    # an officer it never waited for is told nothing of it
    peer = c.get(leave(a, "/applications"), params={"box": "waiting", "updated_since": since}, headers=t["peer"]).json()
    assert peer["items"] == [] and peer["removed"] == [], peer
    later = c.get(leave(a, "/applications"), params={"box": "mine", "updated_since": "2999-01-01T00:00:00Z"},
                  headers=t["ds"]).json()
    assert later["items"] == [] and later["removed"] == [] and later["synced_at"].startswith("2999-01-01T00:00:00")
    for bad in ("yesterday", "2026-12-04", "2026-12-04T25:00:00Z"):
        r = c.get(leave(a, "/applications"), params={"updated_since": bad}, headers=t["ds"])
        assert r.status_code == 400 and r.headers["content-type"] == "application/problem+json", bad
