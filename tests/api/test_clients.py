"""What client developers tripped over, tried as a new user would (issue 26): each answer says what
is wrong in the client's terms."""
import time

import httpx
import pytest

from conftest import Server, keyed_env
from test_auth import Officers, tokens


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
