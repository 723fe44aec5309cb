"""What client developers tripped over, tried as a new user would (issue 26): each answer says what
is wrong in the client's terms."""
import datetime
import time

import httpx
import pytest

from conftest import Server, keyed_env, office_today
from test_auth import Officers, login, tokens


@pytest.fixture(scope="module")
def w(db, tmp_path_factory):
    env = keyed_env(db)
    a = db.add_dept("cli")
    off = Officers(db, str(tmp_path_factory.mktemp("pw")))
    uid, bob = off.add(a, "officer")[0], off.add(a, "officer")[0]
    s = Server(env_extra=env)
    s.wait_ready()
    yield {"server": s, "uid": uid, "bob": bob, "a": a, "db": db, "env": env}
    s.stop()


@pytest.fixture
def c(w):
    with httpx.Client(base_url=w["server"].url, http2=True, http1=False, timeout=20) as client:
        yield client


def test_no_token_gets_a_challenge_without_an_error_code(c):
    """RFC 6750 3.1: a request with no credentials (or another scheme) gets no error code."""
    for headers in ({}, {"Authorization": "Basic dXNlcjpwYXNz"}):
        r = c.get("/v1/me", headers=headers)
        assert r.status_code == 401 and r.headers["www-authenticate"] == 'Bearer realm="daftar"', headers
    r = c.get("/v1/me", headers={"Authorization": "Bearer not.a.token"})
    assert r.status_code == 401 and r.headers["www-authenticate"] == 'Bearer realm="daftar", error="invalid_token"'


def refresh(c, token):
    return c.post("/v1/auth/token", json={"grant_type": "refresh_token", "refresh_token": token})


def test_a_used_refresh_token_is_not_called_a_wrong_password(c, w):
    t = tokens(c, w["uid"])
    t2 = refresh(c, t["refresh_token"]).json()
    assert refresh(c, t2["refresh_token"]).status_code == 200
    r = refresh(c, t["refresh_token"])
    assert r.status_code == 401
    detail = r.json()["detail"]
    assert "refresh token" in detail and "password" not in detail.lower()


def test_a_refresh_whose_answer_was_lost_gets_the_same_successor(c, w):
    """Weak networks: the client sends the same refresh again (its answer was lost). Within
    refresh_replay_s (30 s) it gets the same successor and a working access token, as many times as it
    asks, while that successor is unused; the successor is kept sealed, never in clear, in the catalog."""
    t = tokens(c, w["uid"])
    first = refresh(c, t["refresh_token"])
    assert first.status_code == 200, first.text
    again = refresh(c, t["refresh_token"])
    assert again.status_code == 200, again.text
    successor = first.json()["refresh_token"]
    assert again.json()["refresh_token"] == successor and refresh(c, t["refresh_token"]).json()["refresh_token"] == successor
    assert c.get("/v1/me", headers={"Authorization": "Bearer " + again.json()["access_token"]}).status_code == 200
    rows = w["db"].psql("SELECT * FROM daftar.refresh_tokens WHERE uid = '%s'" % w["uid"]).stdout
    assert successor not in rows and successor[3:20] not in rows
    # once the successor is used, the old token again is theft: the family dies
    third = refresh(c, successor)
    assert third.status_code == 200
    assert refresh(c, t["refresh_token"]).status_code == 401
    assert refresh(c, third.json()["refresh_token"]).status_code == 401


def test_after_the_replay_window_a_used_refresh_token_revokes_its_family(w):
    s = Server(env_extra=dict(w["env"], DAFTAR_REFRESH_REPLAY_S="1"))
    try:
        with httpx.Client(base_url=s.url, http2=True, http1=False, timeout=20) as c:
            t = tokens(c, w["uid"])
            successor = refresh(c, t["refresh_token"]).json()["refresh_token"]
            time.sleep(1.5)
            assert refresh(c, t["refresh_token"]).status_code == 401
            assert refresh(c, successor).status_code == 401
    finally:
        s.stop()


def test_reads_answer_if_none_match_with_304(c, w):
    """Mobile clients revalidate instead of downloading again: every JSON GET has an ETag (a version, or a weak
    digest of the body for lists) and If-None-Match with it is answered 304 without a body."""
    h = {"Authorization": "Bearer " + tokens(c, w["uid"])["access_token"]}
    files = "/v1/departments/%s/files" % w["a"]
    made = c.post(files, headers=h, json={"subject": "Revalidation", "section": "ADMIN"})
    assert made.status_code == 201, made.text
    listed = c.get(files + "?box=created", headers=h)
    tag = listed.headers["etag"]
    assert listed.status_code == 200 and tag.startswith('W/"')
    again = c.get(files + "?box=created", headers=dict(h, **{"If-None-Match": '"x", ' + tag}))
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == tag
    assert "accept-encoding" in again.headers["vary"]
    item = files + "/" + made.json()["id"]
    one = c.get(item, headers=h)
    assert one.headers["etag"] == made.headers["etag"]  # the file's version, as If-Match takes it
    assert c.get(item, headers=dict(h, **{"If-None-Match": one.headers["etag"]})).status_code == 304
    c.post(files, headers=h, json={"subject": "Another", "section": "ADMIN"})
    changed = c.get(files + "?box=created", headers=dict(h, **{"If-None-Match": tag}))
    assert changed.status_code == 200 and changed.headers["etag"] != tag and len(changed.json()["items"]) == 2
    assert c.get("/v1/me", headers=dict(h, **{"If-None-Match": "*"})).status_code == 304


def test_creating_posts_say_where_the_new_thing_is(c, w):
    h = {"Authorization": "Bearer " + tokens(c, w["uid"])["access_token"]}
    files = "/v1/departments/%s/files" % w["a"]
    made = c.post(files, headers=h, json={"subject": "Where is it", "section": "ADMIN"})
    assert made.status_code == 201 and made.headers["location"] == files + "/" + made.json()["id"]
    assert c.get(made.headers["location"], headers=h).json()["id"] == made.json()["id"]
    doc = c.post(made.headers["location"] + "/documents", params={"filename": "a.pdf"}, content=b"%PDF-1.7\n%%EOF\n",
                 headers=dict(h, **{"content-type": "application/pdf"}))
    assert doc.status_code == 201 and doc.headers["location"].endswith("/documents/" + doc.json()["id"])
    assert c.get(doc.headers["location"], headers=h).content == b"%PDF-1.7\n%%EOF\n"
    note = c.post(made.headers["location"] + "/notes", headers=h, json={"body": "Para 1"})
    assert note.status_code == 201 and "location" not in note.headers  # a note has no route of its own to read
    # the contract says Location exactly where a GET of the new thing exists
    spec = c.get("/openapi.json").json()
    gets = {p for p, item in spec["paths"].items() if "get" in item}
    for path, item in spec["paths"].items():
        made_here = item.get("post", {}).get("responses", {}).get("201", {})
        if "Location" in made_here.get("headers", {}):
            assert any(g.startswith(path + "/{") and g.count("/") == path.count("/") + 1 for g in gets), path


def test_a_search_finds_a_file_the_caller_forwarded(c, w):
    """q without a box searched the inbox only, so an officer could not find a file they had sent on."""
    h = {"Authorization": "Bearer " + tokens(c, w["uid"])["access_token"]}
    files = "/v1/departments/%s/files" % w["a"]
    made = c.post(files, headers=h, json={"subject": "Tender for e-Office scanners", "section": "ADMIN"})
    moved = c.post(files + "/%s/movements" % made.json()["id"], json={"action": "forward", "to": w["bob"]},
                   headers=dict(h, **{"If-Match": made.headers["etag"]}))
    assert moved.status_code == 201, moved.text
    found = c.get(files, params={"q": "scanners"}, headers=h).json()["items"]
    assert [f["id"] for f in found] == [made.json()["id"]]
    assert c.get(files, params={"q": "scanners", "box": "inbox"}, headers=h).json()["items"] == []
    assert all(f["holder"] == w["uid"] for f in c.get(files, headers=h).json()["items"])  # no q: the inbox


def test_a_retried_note_is_added_once(c, w):
    """Adding a note took no Idempotency-Key, so a retry after a lost answer added the note twice."""
    h = {"Authorization": "Bearer " + tokens(c, w["uid"])["access_token"]}
    files = "/v1/departments/%s/files" % w["a"]
    f = c.post(files, headers=h, json={"subject": "Retries", "section": "ADMIN"}).json()
    g = c.post(files, headers=h, json={"subject": "Another", "section": "ADMIN"}).json()
    keyed = dict(h, **{"Idempotency-Key": "note-" + f["id"]})
    first = c.post(files + "/%s/notes" % f["id"], headers=keyed, json={"body": "Para 1: examined."})
    again = c.post(files + "/%s/notes" % f["id"], headers=keyed, json={"body": "Para 1: examined."})
    assert first.status_code == 201 and again.status_code == 201, again.text
    assert again.json() == first.json() and again.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers
    assert [n["n"] for n in c.get(files + "/%s/notes" % f["id"], headers=h).json()["items"]] == [1]
    assert c.post(files + "/%s/notes" % f["id"], headers=keyed, json={"body": "Para 1: changed."}).status_code == 422
    assert c.post(files + "/%s/notes" % g["id"], headers=keyed, json={"body": "Para 1: examined."}).status_code == 422
    assert c.post(files + "/%s/notes" % f["id"], headers=h, json={"body": "Para 2."}).json()["n"] == 2  # no key: a new note


def test_a_retried_upload_stores_one_document(c, w):
    h = {"Authorization": "Bearer " + tokens(c, w["uid"])["access_token"]}
    files = "/v1/departments/%s/files" % w["a"]
    f = c.post(files, headers=h, json={"subject": "Upload retries", "section": "ADMIN"}).json()
    docs = files + "/%s/documents" % f["id"]
    keyed = dict(h, **{"Idempotency-Key": "upload-" + f["id"], "content-type": "application/pdf"})
    pdf = b"%PDF-1.7\n% retried\n%%EOF\n"
    first = c.post(docs, params={"filename": "a.pdf"}, content=pdf, headers=keyed)
    again = c.post(docs, params={"filename": "a.pdf"}, content=pdf, headers=keyed)
    assert first.status_code == 201 and again.status_code == 201, again.text
    assert again.json() == first.json() and again.headers["idempotent-replayed"] == "true"
    assert again.headers["location"] == first.headers["location"] and again.headers["etag"] == first.headers["etag"]
    assert len(c.get(docs, headers=h).json()["items"]) == 1
    other = c.post(docs, params={"filename": "a.pdf"}, content=pdf + b"\n", headers=keyed)
    assert other.status_code == 422 and other.headers["content-type"] == "application/problem+json"
    assert c.post(docs, params={"filename": "a.pdf"}, content=pdf,
                  headers=dict(h, **{"content-type": "application/pdf"})).status_code == 201  # no key: a second one


def test_each_refusal_has_its_own_type_and_a_hindi_detail(c, w):
    """Business refusals shared a few types with an English detail; now each has its own type (in the
    contract), so "file closed" and "decision final" differ without matching English text."""
    h = {"Authorization": "Bearer " + tokens(c, w["uid"])["access_token"]}
    hi = dict(h, **{"Accept-Language": "hi"})
    files = "/v1/departments/%s/files" % w["a"]
    made = c.post(files, headers=h, json={"subject": "Refusals", "section": "ADMIN"})
    f, tag = made.json(), made.headers["etag"]
    moves = files + "/%s/movements" % f["id"]
    r = c.post(moves, headers=dict(h, **{"If-Match": tag}), json={"action": "forward", "to": w["uid"]})
    assert r.status_code == 422 and r.json()["type"] == "urn:daftar:problem:forward-to-self"
    assert r.json()["detail"] == "Forward to another officer."
    r = c.post(moves, headers=dict(hi, **{"If-Match": tag}), json={"action": "close"})
    p = r.json()
    assert r.status_code == 403 and p["type"] == "urn:daftar:problem:close-needs-section-officer"
    assert p["detail"] == "फ़ाइल बंद करने के लिए अनुभाग अधिकारी या उससे ऊपर का पद चाहिए।" and p["title"] == "पहुँच की अनुमति नहीं है"
    r = c.post(moves, headers=dict(h, **{"If-Match": tag}), json={"action": "return"})
    assert r.status_code == 409 and r.json()["type"] == "urn:daftar:problem:nothing-to-return"
    types = set(c.get("/openapi.json").json()["components"]["schemas"]["Problem"]["properties"]["type"]["enum"])
    assert {"urn:daftar:problem:forward-to-self", "urn:daftar:problem:nothing-to-return"} <= types


def test_notes_the_track_and_documents_come_in_pages(c, w):
    """The notesheet, the track and the documents came whole and unbounded; now by pages of at most 100
    (default 100, so a list of up to 100 still comes in one page)."""
    h = {"Authorization": "Bearer " + tokens(c, w["uid"])["access_token"]}
    files = "/v1/departments/%s/files" % w["a"]
    made = c.post(files, headers=h, json={"subject": "Pages", "section": "ADMIN"})
    f = made.json()
    item = files + "/" + f["id"]

    def walk(what, limit):
        seen, cursor, pages = [], None, 0
        while True:
            r = c.get(item + what, params=dict(limit=limit, **({"cursor": cursor} if cursor else {})), headers=h)
            assert r.status_code == 200, r.text
            page, pages = r.json(), pages + 1
            assert len(page["items"]) <= limit and pages < 10
            seen += page["items"]
            cursor = page["next_cursor"]
            if cursor is None:
                return seen, pages

    for i in range(5):
        assert c.post(item + "/notes", headers=h, json={"body": "Para %d" % (i + 1)}).status_code == 201
    notes, pages = walk("/notes", 2)
    assert [n["n"] for n in notes] == [1, 2, 3, 4, 5] and pages == 3
    whole = c.get(item + "/notes", headers=h).json()
    assert [n["n"] for n in whole["items"]] == [1, 2, 3, 4, 5] and whole["next_cursor"] is None
    assert set(whole["officers"]) == {w["uid"]}
    for i in range(3):
        doc = c.post(item + "/documents", params={"filename": "d%d.pdf" % i}, content=b"%%PDF-1.7\n%d\n%%%%EOF\n" % i,
                     headers=dict(h, **{"content-type": "application/pdf"}))
        assert doc.status_code == 201, doc.text
    docs, pages = walk("/documents", 2)
    assert [d["filename"] for d in docs] == ["d0.pdf", "d1.pdf", "d2.pdf"] and pages == 2
    moved = c.post(item + "/movements", json={"action": "forward", "to": w["bob"]}, headers=dict(h, **{"If-Match": made.headers["etag"]}))
    assert moved.status_code == 201, moved.text
    track, pages = walk("/movements", 1)
    assert [m["seq"] for m in track] == [1, 2] and pages == 2
    assert track[0]["until"] == track[1]["at"] and track[1]["until"] is None  # until reads across pages
    first = c.get(item + "/movements", params={"limit": 1}, headers=h).json()
    assert set(first["officers"]) == {w["uid"]}  # the page's officers only (bob is on the next)
    for what in ("/notes", "/movements", "/documents"):
        assert c.get(item + what, params={"limit": 101}, headers=h).status_code == 400, what
        assert c.get(item + what, params={"cursor": "x"}, headers=h).status_code == 400, what
        gone = c.get(files + "/00000000-0000-4000-8000-000000000000" + what, headers=h)
        assert gone.status_code == 404, what
    assert c.get(item + "/notes", params={"cursor": "5"}, headers=h).json() == {"items": [], "next_cursor": None,
                                                                               "officers": {}}


# ------------------------------------------------- every create takes Idempotency-Key

# Creating POSTs that need no key, and why: a retry makes nothing twice by the operation's own nature.
NO_KEY = {
    "createWebhook": "one live endpoint a URL a service account: a retry is 409 (its secret is shown once)",
    "enrolSecondFactor": "a retry replaces the unconfirmed secret (one an officer); nothing is made twice",
    "addHoliday": "the department's day is written again (one holiday a day)",
    "moveFile": "If-Match is required: a retry after the move is 412, not a second move",
    "markReceipt": "If-Match is required: a retry after the mark is 412, not a second mark",
    "approveDraft": "If-Match is required: a retry after the approval is 412",
    "registerCertificate": "one registration a certificate (its fingerprint): a retry answers it again",
    "updateDispatchStatus": "a status reached is not reached again: a retry is 409",
    "acknowledgeDak": "a letter is acknowledged once: a retry is 409",
    "openAparCycle": "one cycle a department and year: a retry is 409",
    "createCourse": "one course a code: a retry is 409 naming the code",
    "enrolMe": "one open enrolment a course: a retry answers it (200)",
    "signAparSubmission": "a part is signed once: a retry is 409",
    "weedFile": "a file is weeded once: a retry is 409 file-weeded (its record is in GET weedings)",
}


def test_every_creating_post_takes_an_idempotency_key(c):
    """A mobile client retries what it sent when the answer is lost; every POST that answers 201 takes
    Idempotency-Key (and says Idempotent-Replayed), or is listed above with why a retry makes nothing twice."""
    spec = c.get("/openapi.json").json()
    missing, stale = [], set(NO_KEY)
    for path, item in spec["paths"].items():
        op = item.get("post")
        if op is None or "201" not in op["responses"]:
            continue
        stale.discard(op["operationId"])
        keyed = {"$ref": "#/components/parameters/IdempotencyKey"} in op.get("parameters", [])
        replayed = "Idempotent-Replayed" in op["responses"]["201"].get("headers", {})
        if not (keyed and replayed) and op["operationId"] not in NO_KEY:
            missing.append(op["operationId"])
    assert missing == [] and stale == set()


@pytest.fixture(scope="module")
def staff(w, tmp_path_factory):
    db, a = w["db"], w["a"]
    off = Officers(db, str(tmp_path_factory.mktemp("pw")))
    people = {"est": off.add(a, "officer,establishment")[0], "hoo": off.add(a, "officer,hoo")[0],
              "admin": off.add(a, "officer,hr_admin")[0], "nodal": off.add(a, "officer,training_nodal")[0],
              "tadmin": off.add(a, "officer,training_admin")[0], "lv": off.add(a, "officer")[0]}
    db.psql("UPDATE state_training.settings SET value = '%s' WHERE name = 'admin_dept'" % a)
    with httpx.Client(base_url=w["server"].url, http2=True, http1=False, timeout=20) as c:
        heads = {k: {"Authorization": "Bearer " + tokens(c, uid)["access_token"]} for k, uid in people.items()}
        particulars = {"service": "Rajasthan Administrative Service", "cadre": "RAS", "post": "Assistant", "pay_level": 6,
                       "date_of_birth": "1990-06-15", "date_of_joining": "2015-07-16"}
        r = c.put("/v1/departments/%s/employees/%s" % (a, people["lv"]), json=particulars, headers=heads["est"])
        assert r.status_code == 201, r.text
    return dict(people, h=heads)


def retried(c, url, h, body, key, change):
    """body POSTed twice with one key: one thing, the second answer the first again; the key with
    the body changed (change: member, value) is 422 of its own type."""
    keyed = dict(h, **{"Idempotency-Key": key})
    first = c.post(url, json=body, headers=keyed)
    assert first.status_code == 201, first.text
    again = c.post(url, json=body, headers=keyed)
    assert again.status_code == 201, again.text
    assert "idempotent-replayed" not in first.headers and again.headers["idempotent-replayed"] == "true"
    assert again.headers.get("etag") == first.headers.get("etag")
    assert again.headers.get("location") == first.headers.get("location")
    other = c.post(url, json=dict(body, **dict([change])), headers=keyed)
    assert other.status_code == 422 and other.json()["type"] == "urn:daftar:problem:idempotency-key-reused", other.text
    return first.json(), again.json()


def count(w, sql):
    return int(w["db"].psql(sql).stdout.strip())


def test_a_retried_leave_application_is_one_application(c, w, staff):
    """bench/leave saw it: a retried applyLeave made a second application and debited the days twice."""
    a, lv, h = w["a"], staff["lv"], staff["h"]
    day = office_today() + datetime.timedelta(days=28)
    day -= datetime.timedelta(days=day.weekday())  # a Monday
    body = {"type": "CL", "from_date": day.isoformat(), "to_date": day.isoformat(), "reason": "Retried on a bus"}
    first, again = retried(c, "/v1/departments/%s/leave/applications" % a, h["lv"], body, "leave-" + lv, ("reason", "Changed"))
    assert again == first
    assert count(w, "SELECT count(*) FROM state_hr.leave_applications WHERE uid = '%s'" % lv) == 1
    assert count(w, "SELECT count(*) FROM state_hr.leave_ledger WHERE uid = '%s' AND kind = 'debit'" % lv) == 1


def test_retried_service_book_writes_are_made_once(c, w, staff):
    a, lv, h = w["a"], staff["lv"], staff["h"]
    book = "/v1/departments/%s/employees/%s/service-book" % (a, lv)
    entry = {"details": "Appointed Assistant", "kind": "appointment", "effective": "2015-07-16"}
    first, again = retried(c, book, h["est"], entry, "entry-" + lv, ("details", "Changed"))
    assert again == first and first["n"] == 1
    assert count(w, "SELECT count(*) FROM state_hr.service_book WHERE uid = '%s'" % lv) == 1
    assert c.post(book + "/1/attest", headers=dict(h["hoo"], **{"If-Match": '"1"'})).status_code == 200
    first, again = retried(c, book + "/1/objections", h["lv"], {"remarks": "The date is wrong"}, "objection-" + lv,
                           ("remarks", "Changed"))
    assert again == first
    assert count(w, "SELECT count(*) FROM state_hr.objections WHERE uid = '%s'" % lv) == 1
    order = {"order_no": "GAD/PR/2026/7", "kind": "promotion", "to_dept": a, "designation": "Section Officer",
             "roles": ["officer", "section_officer"],
             "effective": (office_today() + datetime.timedelta(days=300)).isoformat()}
    first, again = retried(c, "/v1/departments/%s/employees/%s/postings" % (a, lv), h["est"], order, "posting-" + lv, ("order_no", "GAD/PR/2026/8"))
    assert again == first
    assert count(w, "SELECT count(*) FROM state_hr.postings WHERE uid = '%s'" % lv) == 1


def test_a_retried_charge_assignment_and_batch_are_made_once(c, w, staff):
    a, h = w["a"], staff["h"]
    until = (office_today() + datetime.timedelta(days=5)).isoformat()
    charge = {"reason": "Earned leave", "holder": w["bob"], "of": staff["lv"], "valid_until": until}
    first, again = retried(c, "/v1/departments/%s/charges" % a, h["hoo"], charge, "charge-1", ("reason", "Changed"))
    assert again == first
    assert count(w, "SELECT count(*) FROM dept_%s.charges WHERE of_uid = '%s'" % (a, staff["lv"])) == 1
    course = {"code": "IDEM-1", "title": "Retries", "title_hi": "पुनः प्रयास", "provider": "State ATI", "competencies": [],
              "pass_mark": 0, "status": "published", "modules": [{"title": "One", "min_seconds": 0}]}
    made = c.post("/v1/courses", json=course, headers=h["tadmin"])
    assert made.status_code == 201, made.text
    deadline = (office_today() + datetime.timedelta(days=60)).isoformat()
    body = {"audience_value": "", "course_id": made.json()["id"], "audience": "department", "deadline": deadline}
    first, again = retried(c, "/v1/departments/%s/training/assignments" % a, h["nodal"], body, "assign-1", ("target", 50))
    assert again == first
    assert count(w, "SELECT count(*) FROM state_training.assignments WHERE course = '%s'" % made.json()["id"]) == 1
    batch = {"starts_on": deadline, "ends_on": deadline, "venue": "HCM RIPA, Jaipur", "capacity": 20}
    first, again = retried(c, "/v1/courses/%s/batches" % made.json()["id"], h["tadmin"], batch, "batch-1", ("capacity", 30))
    assert again == first
    assert count(w, "SELECT count(*) FROM state_training.batches WHERE course = '%s'" % made.json()["id"]) == 1


def test_a_retried_officer_creation_makes_one_officer_with_a_working_password(c, w, staff):
    """createOfficer took no key: a retry made a second officer (a second UID for one person). Now it answers
    the same officer, and a new temporary password in place of the lost one, which signs in."""
    url = "/v1/departments/%s/officers" % w["a"]
    body = {"name": "दोहरा अधिकारी", "roles": ["officer"]}
    first, again = retried(c, url, staff["h"]["admin"], body, "officer-1", ("name", "Changed"))
    assert again["uid"] == first["uid"] and again["temporary_password"] != first["temporary_password"]
    assert count(w, "SELECT count(*) FROM daftar.officers WHERE name = 'दोहरा अधिकारी'") == 1
    assert login(c, first["uid"], first["temporary_password"]).status_code == 401
    assert login(c, first["uid"], again["temporary_password"]).status_code == 200


def test_idempotency_keys_expire_after_the_setting(w):
    """Keys are kept idempotency_ttl_s (a day by default), then removed by the timers thread: the same key
    afterwards makes a new thing."""
    s = Server(env_extra=dict(w["env"], DAFTAR_IDEMPOTENCY_TTL_S="1"))
    try:
        with httpx.Client(base_url=s.url, http2=True, http1=False, timeout=20) as c:
            h = {"Authorization": "Bearer " + tokens(c, w["uid"])["access_token"], "Idempotency-Key": "expiring-1"}
            files = "/v1/departments/%s/files" % w["a"]
            first = c.post(files, headers=h, json={"subject": "Expiring key", "section": "ADMIN"})
            assert first.status_code == 201, first.text
            kept = "SELECT count(*) FROM daftar.idempotency WHERE uid = '%s' AND key = 'expiring-1'" % w["uid"]
            assert count(w, kept) == 1
            deadline = time.time() + 10
            while count(w, kept) and time.time() < deadline:
                time.sleep(0.3)
            assert count(w, kept) == 0
            later = c.post(files, headers=h, json={"subject": "Expiring key", "section": "ADMIN"})
            assert later.status_code == 201 and "idempotent-replayed" not in later.headers
            assert later.json()["id"] != first.json()["id"]
    finally:
        s.stop()


def test_my_summary_counts_for_badges_in_one_call(c, w, staff):
    """Badges took one call per family (inbox, overdue, letters, leave, APAR, training); one call now, each
    count what the family's own list shows, per department and for the officer."""
    a, h = w["a"], staff["h"]
    me = {"Authorization": "Bearer " + tokens(c, w["bob"])["access_token"]}
    before = c.get("/v1/me/summary", headers=me)
    assert before.status_code == 200, before.text
    s = before.json()
    assert [d["dept"] for d in s["departments"]] == [a]
    files = "/v1/departments/%s/files" % a
    for i in range(2):
        made = c.post(files, headers=h["hoo"], json={"subject": "For Bob %d" % i, "section": "ADMIN"})
        moved = c.post(files + "/%s/movements" % made.json()["id"], json={"action": "forward", "to": w["bob"]},
                       headers=dict(h["hoo"], **{"If-Match": made.headers["etag"]}))
        assert moved.status_code == 201, moved.text
    after = c.get("/v1/me/summary", headers=me).json()
    dept = after["departments"][0]
    inbox = c.get(files, params={"box": "inbox", "limit": 100}, headers=me).json()["items"]
    assert dept["inbox"] == len(inbox) == s["departments"][0]["inbox"] + 2
    assert dept["overdue"] == len([f for f in inbox if f["overdue_since"]])
    assert set(dept) == {"dept", "inbox", "overdue", "drafts_to_approve", "leave_to_approve"}
    assert {"apar_my_turn", "training_due", "training_overdue"} <= set(after)
    # the section officer sees the leave waiting for them; the applicant does not count their own
    so = c.get("/v1/me/summary", headers=h["lv"]).json()
    waiting = c.get("/v1/departments/%s/leave/applications" % a, params={"box": "waiting"}, headers=h["hoo"]).json()
    hoo = c.get("/v1/me/summary", headers=h["hoo"]).json()
    assert hoo["departments"][0]["leave_to_approve"] == len(waiting["items"])
    assert so["departments"][0]["leave_to_approve"] == 0
    # training: the department's assignment (test_a_retried_charge_and_assignment_are_made_once) is due for all
    training = c.get("/v1/me/training", headers=me).json()
    due = [x for x in training["assignments"] if x["status"] != "completed"]
    assert after["training_due"] == len(due)


def test_inbox_items_say_who_sent_the_file_when_with_what_remarks_and_whether_i_opened_it(c, w):
    """An inbox item showed the file only: who sent it, when and with what remarks took one more call a file,
    and whether the officer had opened it was nowhere. Now each item the caller holds carries `received`."""
    ha = {"Authorization": "Bearer " + tokens(c, w["uid"])["access_token"]}
    hb = {"Authorization": "Bearer " + tokens(c, w["bob"])["access_token"]}
    files = "/v1/departments/%s/files" % w["a"]
    made = []
    for n in range(3):
        f = c.post(files, headers=ha, json={"subject": "Sent with remarks %d" % n, "section": "ADMIN"})
        moved = c.post(files + "/%s/movements" % f.json()["id"], headers=dict(ha, **{"If-Match": f.headers["etag"]}),
                       json={"action": "forward", "to": w["bob"], "remarks": "Please examine %d" % n})
        assert moved.status_code == 201, moved.text
        made.append(f.json()["id"])
    before = datetime.datetime.now(datetime.timezone.utc)
    inbox = {i["id"]: i for i in c.get(files + "?box=inbox", headers=hb).json()["items"]}
    for n, fid in enumerate(made):
        got = inbox[fid]["received"]
        assert got["from"] == w["uid"] and got["action"] == "forward" and got["remarks"] == "Please examine %d" % n
        assert got["opened"] is False and got["opened_at"] is None
        at = datetime.datetime.fromisoformat(got["at"].replace("Z", "+00:00"))
        assert before - datetime.timedelta(minutes=2) < at <= before + datetime.timedelta(seconds=5)
        assert w["uid"] in inbox[fid]["officers"]  # the sender's name beside the number
    assert c.get(files + "/" + made[1], headers=hb).status_code == 200  # bob opens one
    for url in (files + "?box=inbox", files + "?box=inbox&priority=normal"):  # files_inbox and files_list alike
        items = {i["id"]: i["received"] for i in c.get(url, headers=hb).json()["items"]}
        assert [items[f]["opened"] for f in made] == [False, True, False], url
        assert items[made[1]]["opened_at"] is not None
    # the sender's own lists carry no `received` of bob's (another officer's reading is not theirs to see)
    assert all(i.get("received") is None for i in c.get(files + "?box=sent", headers=ha).json()["items"])
    assert c.get(files + "/" + made[0], headers=ha).status_code == 200  # the sender reading it does not open it for bob
    back = c.get(files + "/" + made[1], headers=hb)
    r = c.post(files + "/%s/movements" % made[1], headers=dict(hb, **{"If-Match": back.headers["etag"]}),
               json={"action": "return", "remarks": "Seen"})
    assert r.status_code == 201, r.text
    mine = {i["id"]: i["received"] for i in c.get(files + "?box=inbox", headers=ha).json()["items"]}
    assert mine[made[1]]["from"] == w["bob"] and mine[made[1]]["remarks"] == "Seen" and mine[made[1]]["opened"] is False
    items = {i["id"]: i["received"] for i in c.get(files + "?box=inbox", headers=hb).json()["items"]}
    assert items[made[0]]["opened"] is False


def test_reading_a_file_opened_already_writes_nothing(c, w):
    """The holder's first read of a file records the opening (file_opened); a later read must not write: the
    INSERT .. ON CONFLICT DO UPDATE .. WHERE seq grew still locked the row each time, which made every
    holder's read a write transaction (a transaction id, a commit record and its WAL flush; bench/run's
    read-file at 540-730 req/s against 8,400-9,000 for the 404s, PostgreSQL's CPU 0.7-1.0 ms a read)."""
    ha = {"Authorization": "Bearer " + tokens(c, w["uid"])["access_token"]}
    files = "/v1/departments/%s/files" % w["a"]
    fid = c.post(files, headers=ha, json={"subject": "Read twice", "section": "ADMIN"}).json()["id"]
    assert c.get(files + "/" + fid, headers=ha).status_code == 200
    row = "SELECT xmin::text || ' ' || xmax::text FROM dept_%s.file_opens WHERE file_id = '%s'" % (w["a"], fid)
    first = w["db"].psql(row).stdout.strip()
    assert first.endswith(" 0"), first
    for _ in range(3):
        assert c.get(files + "/" + fid, headers=ha).status_code == 200
    assert w["db"].psql(row).stdout.strip() == first  # neither replaced nor locked


def test_updated_since_gives_the_files_changed_since_and_names_those_that_left_the_list(c, w):
    """Mobile delta sync: `updated_since` (RFC 3339) lists only the files changed after it, the answer's
    `synced_at` is what the client passes next, and `removed` names files that left the list since (a file
    forwarded away leaves my inbox: the client must learn it). Garbage is a 400 problem."""
    ha = {"Authorization": "Bearer " + tokens(c, w["uid"])["access_token"]}
    hb = {"Authorization": "Bearer " + tokens(c, w["bob"])["access_token"]}
    files = "/v1/departments/%s/files" % w["a"]
    full = c.get(files + "?box=inbox", headers=ha)
    assert full.status_code == 200, full.text
    since = full.json()["synced_at"]
    datetime.datetime.fromisoformat(since.replace("Z", "+00:00"))
    time.sleep(0.05)
    kept = c.post(files, headers=ha, json={"subject": "Delta kept", "section": "ADMIN"})
    gone = c.post(files, headers=ha, json={"subject": "Delta forwarded", "section": "ADMIN"})
    r = c.post(files + "/%s/movements" % gone.json()["id"], headers=dict(ha, **{"If-Match": gone.headers["etag"]}),
               json={"action": "forward", "to": w["bob"]})
    assert r.status_code == 201, r.text
    for url in (files + "?box=inbox", files):  # the inbox's own path and files_list
        delta = c.get(url, params={"updated_since": since}, headers=ha)
        assert delta.status_code == 200, delta.text
        body = delta.json()
        ids = [i["id"] for i in body["items"]]
        assert kept.json()["id"] in ids and gone.json()["id"] not in ids, url
        assert set(ids) <= {f["id"] for f in c.get(files + "?box=inbox", headers=ha).json()["items"]}
        assert gone.json()["id"] in body["removed"] and kept.json()["id"] not in body["removed"], url
        # older changes are not listed again (synced_at keeps a margin: the last seconds' may come twice)
        assert all(i["updated_at"] > since[:23] for i in body["items"]) and body["synced_at"] >= since
    # bob's delta from the same time has the forwarded file and removes nothing of his
    delta = c.get(files, params={"updated_since": since}, headers=hb).json()
    assert gone.json()["id"] in [i["id"] for i in delta["items"]] and gone.json()["id"] not in delta["removed"]
    # the next sync from synced_at: what changed after it only (a margin may repeat the last few seconds)
    later = c.get(files, params={"updated_since": "2999-01-01T00:00:00Z"}, headers=ha).json()
    assert later["items"] == [] and later["removed"] == [] and later["synced_at"].startswith("2999-01-01T00:00:00")
    again = c.get(files + "?box=inbox", headers=ha)  # an unchanged list keeps its synced_at, body and ETag
    assert again.json()["synced_at"] == c.get(files + "?box=inbox", headers=ha).json()["synced_at"]
    assert c.get(files + "?box=inbox", headers=dict(ha, **{"If-None-Match": again.headers["etag"]})).status_code == 304
    assert "removed" not in full.json()
    for bad in ("yesterday", "2026-13-01T00:00:00Z", "2026-12-04", "2026-12-04T25:00:00Z", "2026-12-04T10:00:00",
                "2026-02-30T00:00:00Z", "2026-12-04T10:00:00+5:30", "2026-12-04T10:00:00Z; DROP"):
        p = c.get(files, params={"updated_since": bad}, headers=ha)
        assert p.status_code == 400 and p.headers["content-type"] == "application/problem+json", bad
    ok = c.get(files, params={"updated_since": "2026-12-04t10:00:00.123456+05:30"}, headers=ha)
    assert ok.status_code == 200, ok.text
