"""Object-level checks on every e-File route: an officer outside a file's chain gets 404 (never 403, never
the data), an officer of another department 403, an officer below the file's classification 404, and a
confidential file's own holder 404 from an untrusted network. The holder itself gets through (the check
can fail)."""
import pytest

from conftest import assert_problem
from pki import CA  # noqa: F401
from test_files import PDF, TRUSTED, c, client, create, docs_url, files_url, h, move, notes_url, otp_token, w  # noqa: F401

PDF_HEADERS = {"content-type": "application/pdf"}


def routes(w, f, doc, etag):
    """(method, url, kwargs) for every route under a file."""
    u = files_url(w) + "/" + f["id"]
    im = {"If-Match": etag}
    return [
        ("GET", u, {}), ("PATCH", u, {"json": {"subject": "x"}, "headers": im}),
        ("GET", u + "/movements", {}), ("POST", u + "/movements", {"json": {"action": "park"}, "headers": im}),
        ("GET", u + "/notes", {}), ("POST", u + "/notes", {"json": {"body": "x"}}),
        ("GET", u + "/notes/verify", {}), ("PATCH", u + "/notes/1", {"json": {"body": "x"}}),
        ("DELETE", u + "/notes/1", {}), ("GET", u + "/notes/1/signature", {}),
        ("PUT", u + "/notes/1/signature", {"json": {"signature": "AAAA"}}),
        ("GET", u + "/documents", {}), ("GET", u + "/documents/" + doc, {}),
        ("POST", u + "/documents", {"params": {"filename": "x.pdf"}, "content": PDF, "headers": PDF_HEADERS}),
        ("GET", u + "/flags", {}), ("POST", u + "/notes/1/flags", {"json": {"kind": "document", "document_id": doc}}),
        ("GET", u + "/links", {}), ("POST", u + "/links", {"json": {"file_id": f["id"]}}),
        ("GET", u + "/parts", {}), ("POST", u + "/parts", {"json": {}}), ("POST", u + "/merge", {"headers": im}),
        ("GET", u + "/notesheet.pdf", {}),
    ]


def call(c, auth, method, url, kw):
    headers = dict(auth, **kw.get("headers", {}))
    return c.request(method, url, headers=headers, json=kw.get("json"), content=kw.get("content"),
                     params=kw.get("params"))


@pytest.fixture(scope="module")
def restricted(w):
    with client(w) as c:
        f, etag = create(c, w, "alice", subject="Matrix file")
        c.post(notes_url(w, f), headers=h(c, w, "alice"), json={"body": "Para 1"})
        doc = c.post(docs_url(w, f), params={"filename": "a.pdf"}, content=PDF,
                     headers=dict(h(c, w, "alice"), **PDF_HEADERS)).json()["id"]
        return f, doc, etag


@pytest.fixture(scope="module")
def part(w):
    """A part file (issue 27): opened by alice while the main file is with bob, with a note and a document."""
    with client(w) as c:
        main, etag = create(c, w, "alice", subject="Matrix main")
        assert move(c, w, "alice", main, etag, action="forward", to=w["bob"]).status_code == 201
        r = c.post(files_url(w) + "/%s/parts" % main["id"], headers=h(c, w, "alice"), json={"subject": "Matrix file"})
        assert r.status_code == 201, r.text
        f, etag = r.json(), r.headers["etag"]
        c.post(notes_url(w, f), headers=h(c, w, "alice"), json={"body": "Para 1"})
        doc = c.post(docs_url(w, f), params={"filename": "a.pdf"}, content=PDF,
                     headers=dict(h(c, w, "alice"), **PDF_HEADERS)).json()["id"]
        return f, doc, etag


@pytest.mark.parametrize("who,status", [("dave", 404), ("low", 404), ("eve", 403)])
def test_every_route_of_a_part_file_refuses_outsiders(c, w, part, who, status):
    test_every_file_route_refuses_outsiders(c, w, part, who, status)


def test_every_read_route_of_a_part_file_lets_its_holder_through(c, w, part):
    test_every_read_route_lets_the_holder_through(c, w, part)


@pytest.mark.parametrize("who,status", [("dave", 404), ("low", 404), ("eve", 403)])
def test_every_file_route_refuses_outsiders(c, w, restricted, who, status):
    f, doc, etag = restricted
    for method, url, kw in routes(w, f, doc, etag):
        r = call(c, h(c, w, who), method, url, kw)
        assert r.status_code == status, (who, method, url, r.status_code, r.text)
        assert_problem(r, status)
        assert "Matrix file" not in r.text and "Para 1" not in r.text
    # and nothing changed
    after = c.get(files_url(w) + "/" + f["id"], headers=h(c, w, "alice"))
    assert after.headers["etag"] == etag and after.json()["subject"] == "Matrix file"


def test_every_read_route_lets_the_holder_through(c, w, restricted):
    f, doc, etag = restricted
    for method, url, kw in routes(w, f, doc, etag):
        if method == "GET" and not url.endswith("/signature"):
            assert call(c, h(c, w, "alice"), method, url, kw).status_code == 200, url


def test_every_file_route_refuses_a_confidential_files_holder_off_the_trusted_network(w):
    with client(w, TRUSTED) as t:
        ho = otp_token(t, w, "conf")
        r = t.post(files_url(w), headers=ho, json={"subject": "Matrix confidential", "section": "VIG",
                                                   "classification": "confidential"})
        f, etag = r.json(), r.headers["etag"]
        t.post(notes_url(w, f), headers=ho, json={"body": "Para 1"})
        doc = t.post(docs_url(w, f), params={"filename": "a.pdf"}, content=PDF, headers=dict(ho, **PDF_HEADERS)).json()["id"]
        for method, url, kw in routes(w, f, doc, etag):  # the holder, on the trusted network: through
            if method == "GET" and not url.endswith("/signature"):
                assert call(t, ho, method, url, kw).status_code == 200, url
    # every read of its content was audited
    audited = w["db"].psql("SELECT string_agg(DISTINCT action, ',' ORDER BY action) FROM dept_%s.audit_events "
                           "WHERE object_id = '%s' AND (action LIKE '%%.read' OR action IN ('file.track', 'documents.list'))"
                           % (w["a"], f["id"])).stdout.strip()
    assert {"file.read", "notes.read", "document.read", "file.track", "documents.list"} <= set(audited.split(","))
    with client(w) as u:
        for method, url, kw in routes(w, f, doc, etag):
            r = call(u, ho, method, url, kw)
            assert r.status_code == 404, (method, url, r.status_code, r.text)
            assert "Matrix confidential" not in r.text


def test_every_receipt_route_refuses_outsiders(c, w):
    x = c.post("/v1/departments/%s/receipts" % w["a"], headers=h(c, w, "dave"),
               json={"sender": "Matrix sender", "subject": "Matrix receipt", "mode": "hand"}).json()
    u = "/v1/departments/%s/receipts/%s" % (w["a"], x["id"])
    c.put(u + "/document", params={"filename": "l.pdf"}, content=PDF, headers=dict(h(c, w, "dave"), **PDF_HEADERS))
    f, _ = create(c, w, "alice")
    calls = [("GET", u, {}), ("GET", u + "/document", {}),
             ("PUT", u + "/document", {"params": {"filename": "x.pdf"}, "content": PDF, "headers": PDF_HEADERS}),
             ("POST", u + "/file", {"json": {"file_id": f["id"]}}), ("GET", u + "/movements", {}),
             ("POST", u + "/movements", {"json": {"to": w["bob"]}, "headers": {"If-Match": '"1"'}})]
    for who, status in (("alice", 404), ("low", 404), ("eve", 403)):
        for method, url, kw in calls:
            r = call(c, h(c, w, who), method, url, kw)
            assert r.status_code == status, (who, method, url, r.text)
            assert "Matrix" not in r.text
        listed = c.get("/v1/departments/%s/receipts" % w["a"], headers=h(c, w, who))
        assert listed.status_code == status or x["id"] not in [y["id"] for y in listed.json()["items"]]
        inbox = c.get("/v1/departments/%s/inbox" % w["a"], headers=h(c, w, who))
        assert inbox.status_code == status or x["id"] not in inbox.text
    got = c.get(u, headers=h(c, w, "dave")).json()
    assert got["file_id"] is None and got["holder"] == w["dave"] and got["version"] == 1


def test_every_route_of_a_receipt_in_motion_refuses_those_outside_it(c, w):
    """A receipt marked on: the new receiver and a copy get through where they should; an outsider, an officer
    below it and another department do not, and the registrar who marked it away no longer acts."""
    r = c.post("/v1/departments/%s/receipts" % w["a"], headers=h(c, w, "dave"),
               json={"sender": "Matrix sender", "subject": "Matrix moving", "mode": "hand"})
    x, etag = r.json(), r.headers["etag"]
    u = "/v1/departments/%s/receipts/%s" % (w["a"], x["id"])
    r = c.post(u + "/movements", headers=dict(h(c, w, "dave"), **{"If-Match": etag}), json={"to": w["bob"], "copies": [w["carol"]]})
    assert r.status_code == 201, r.text
    etag = r.headers["etag"]
    f, _ = create(c, w, "alice")
    calls = [("GET", u, {}), ("GET", u + "/movements", {}),
             ("POST", u + "/movements", {"json": {"to": w["alice"]}, "headers": {"If-Match": etag}}),
             ("POST", u + "/file", {"json": {"file_id": f["id"]}})]
    for who, status in (("alice", 404), ("low", 404), ("eve", 403)):
        for method, url, kw in calls:
            r = call(c, h(c, w, who), method, url, kw)
            assert r.status_code == status, (who, method, url, r.text)
            assert "Matrix" not in r.text
    for who in ("dave", "carol"):  # the registrar and the copy read it and its track, and act on nothing
        assert call(c, h(c, w, who), *calls[0]).status_code == 200 and call(c, h(c, w, who), *calls[1]).status_code == 200
        for method, url, kw in calls[2:]:
            assert call(c, h(c, w, who), method, url, kw).status_code in (403, 404), (who, url)
    got = c.get(u, headers=h(c, w, "bob"))
    assert got.headers["etag"] == etag and got.json()["holder"] == w["bob"]


def test_record_room_routes_refuse_all_but_the_records_officer(c, w, restricted):
    """Receiving into the record room, the due list, weeding and the weeding record are the records officer's
    (or dept_admin's): the file's own holder, an outsider, an officer below it and another department are
    refused before anything is looked up; the records officer gets through to the file's state."""
    f, doc, etag = restricted
    u = files_url(w) + "/" + f["id"]
    calls = [("POST", u + "/record-room", {}),
             ("POST", u + "/weeding", {"json": {"order_ref": "x", "ordered_by": w["carol"], "signature": "AAAA"}}),
             ("GET", "/v1/departments/%s/record-room" % w["a"], {}), ("GET", "/v1/departments/%s/weedings" % w["a"], {})]
    for who in ("alice", "dave", "low", "eve"):
        for method, url, kw in calls:
            r = call(c, h(c, w, who), method, url, kw)
            assert r.status_code == 403, (who, method, url, r.status_code, r.text)
            assert "Matrix file" not in r.text
    assert_problem(call(c, h(c, w, "rec"), *calls[0]), 409, "file-not-closed")
    assert_problem(call(c, h(c, w, "rec"), *calls[1]), 409, "not-due")
    assert call(c, h(c, w, "rec"), *calls[2]).status_code == 200 and call(c, h(c, w, "rec"), *calls[3]).status_code == 200
    after = c.get(u, headers=h(c, w, "alice"))
    assert after.headers["etag"] == etag
