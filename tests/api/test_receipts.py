"""Receipts: the inward register, its documents, and putting a receipt into a file."""
import datetime
import hashlib
import time

from conftest import assert_problem
from test_files import PDF, TRUSTED, c, client, create, docs_url, h, move, otp_token, w  # noqa: F401 (fixtures)


def receipts_url(w, dept=None):
    return "/v1/departments/%s/receipts" % (dept or w["a"])


def register(c, w, who, key=None, auth=None, **body):
    body.setdefault("sender", "Collector, Jaipur")
    body.setdefault("subject", "Flood relief: funds for tehsils")
    body.setdefault("mode", "post")
    headers = dict(auth or h(c, w, who), **({"Idempotency-Key": key} if key else {}))
    return c.post(receipts_url(w), headers=headers, json=body)


def attach(c, w, who, x, content=PDF, ctype="application/pdf"):
    return c.put(receipts_url(w) + "/%s/document" % x["id"], params={"filename": "letter.pdf"}, content=content,
                 headers=dict(h(c, w, who), **{"content-type": ctype}))


def test_register_attach_and_put_into_a_file(c, w):
    r = register(c, w, "dave", letter_number="F.12(3)/2026", letter_date="2026-01-05", received_on="2026-01-07",
                 subject="बाढ़ राहत: तहसीलों के लिए धनराशि")
    assert r.status_code == 201, r.text
    x = r.json()
    assert x["receipt_number"].startswith(w["a"].upper() + "/R/") and x["registered_by"] == w["dave"]
    assert x["file_id"] is None and x["document"] is None and x["classification"] == "restricted"
    r = attach(c, w, "dave", x)
    assert r.status_code == 201 and r.json()["sha256"] == hashlib.sha256(PDF).hexdigest(), r.text
    assert_problem(attach(c, w, "dave", x), 409)  # one document per receipt
    got = c.get(receipts_url(w) + "/%s/document" % x["id"], headers=h(c, w, "dave"))
    assert got.status_code == 200 and got.content == PDF
    # the registrar and the records officer see it; an officer outside does not, anywhere
    assert c.get(receipts_url(w) + "/" + x["id"], headers=h(c, w, "rec")).status_code == 200
    assert_problem(c.get(receipts_url(w) + "/" + x["id"], headers=h(c, w, "alice")), 404)
    assert_problem(c.get(receipts_url(w) + "/%s/document" % x["id"], headers=h(c, w, "alice")), 404)
    assert x["id"] not in [y["id"] for y in c.get(receipts_url(w), headers=h(c, w, "alice")).json()["items"]]
    assert_problem(c.get(receipts_url(w) + "/" + x["id"], headers=h(c, w, "eve")), 403)
    # alice holds a file; she cannot file a receipt she cannot see
    f, etag = create(c, w, "alice", subject="Flood relief 2026")
    assert_problem(c.post(receipts_url(w) + "/%s/file" % x["id"], headers=h(c, w, "alice"), json={"file_id": f["id"]}), 404)
    # dave cannot put it into a file he does not hold
    assert_problem(c.post(receipts_url(w) + "/%s/file" % x["id"], headers=h(c, w, "dave"), json={"file_id": f["id"]}), 404)
    # the file comes to dave; he files the receipt; its document becomes the file's
    r = move(c, w, "alice", f, etag, action="forward", to=w["dave"])
    f, etag = r.json(), r.headers["etag"]
    r = c.post(receipts_url(w) + "/%s/file" % x["id"], headers=h(c, w, "dave"), json={"file_id": f["id"]})
    assert r.status_code == 200 and r.json()["file_id"] == f["id"] and r.json()["filed_by"] == w["dave"], r.text
    assert_problem(c.post(receipts_url(w) + "/%s/file" % x["id"], headers=h(c, w, "dave"), json={"file_id": f["id"]}), 409)
    assert_problem(attach(c, w, "dave", x), 409)
    docs = c.get(docs_url(w, f), headers=h(c, w, "alice")).json()["items"]
    assert [d["sha256"] for d in docs] == [hashlib.sha256(PDF).hexdigest()]
    # everyone who may see the file now sees the receipt
    assert c.get(receipts_url(w) + "/" + x["id"], headers=h(c, w, "alice")).json()["file_id"] == f["id"]
    filed = c.get(receipts_url(w), params={"filed": "yes"}, headers=h(c, w, "alice")).json()["items"]
    assert x["id"] in [y["id"] for y in filed]


def test_idempotent_registration_and_bad_bodies(c, w, db):
    count = lambda: db.psql("SELECT count(*) FROM dept_%s.receipts" % w["a"]).stdout.strip()  # noqa: E731
    r1 = register(c, w, "dave", key="rcpt-1", sender="Secretary, Revenue")
    r2 = register(c, w, "dave", key="rcpt-1", sender="Secretary, Revenue")
    assert r1.status_code == r2.status_code == 201 and r1.json() == r2.json()
    assert r2.headers["idempotent-replayed"] == "true"
    before = count()
    assert_problem(register(c, w, "dave", key="rcpt-1", sender="Someone else"), 422)
    for body in ({"mode": "pigeon"}, {"sender": ""}, {"letter_date": "2026-02-30"}, {"received_on": "07-01-2026"},
                 {"classification": "top"}, {"subject": 7}, {"extra": 1}, {"received_on": "2999-01-01"},
                 {"letter_date": "2026-01-09", "received_on": "2026-01-08"}):
        r = register(c, w, "dave", **body)
        assert r.status_code in (400, 422), (body, r.text)
    assert_problem(c.post(receipts_url(w), headers=h(c, w, "dave"), json={"sender": "x", "subject": "y"}), 400)
    assert count() == before
    assert_problem(register(c, w, "low", classification="confidential"), 403)
    assert_problem(attach(c, w, "dave", r1.json(), content=b"GIF89a", ctype="image/png"), 415)
    assert_problem(attach(c, w, "rec", r1.json()), 403)


def test_confidential_receipt_is_encrypted_and_files_only_into_a_confidential_file(w, db):
    with client(w, TRUSTED) as t:
        ho = otp_token(t, w, "conf")
        x = register(t, w, "conf", auth=ho, classification="confidential", subject="Vigilance complaint")
        assert x.status_code == 201, x.text
        x = x.json()
        r = t.put(receipts_url(w) + "/%s/document" % x["id"], params={"filename": "complaint.pdf"}, content=PDF,
                  headers=dict(ho, **{"content-type": "application/pdf"}))
        assert r.status_code == 201, r.text
        assert t.get(receipts_url(w) + "/%s/document" % x["id"], headers=ho).content == PDF
        low = t.post("/v1/departments/%s/files" % w["a"], headers=ho, json={"subject": "Open file", "section": "VIG"}).json()
        assert_problem(t.post(receipts_url(w) + "/%s/file" % x["id"], headers=ho, json={"file_id": low["id"]}), 422)
        high = t.post("/v1/departments/%s/files" % w["a"], headers=ho,
                      json={"subject": "Vigilance", "section": "VIG", "classification": "confidential"}).json()
        r = t.post(receipts_url(w) + "/%s/file" % x["id"], headers=ho, json={"file_id": high["id"]})
        assert r.status_code == 200, r.text
    row = db.psql("SELECT encrypted, position('\\x4d41524b45522d34373131'::bytea IN content) FROM dept_%s.documents "
                  "WHERE receipt_id = '%s'" % (w["a"], x["id"])).stdout.strip()
    assert row == "t|0"
    with client(w) as u:  # from an untrusted network it does not exist, nor its document
        assert_problem(u.get(receipts_url(w) + "/" + x["id"], headers=ho), 404)
        assert_problem(u.get(receipts_url(w) + "/%s/document" % x["id"], headers=ho), 404)
        assert x["id"] not in [y["id"] for y in u.get(receipts_url(w), headers=ho).json()["items"]]


def test_unfiled_receipts_count_in_pendency(c, w):
    assert register(c, w, "rec", subject="Waiting in the diary").status_code == 201
    mine = c.get("/v1/departments/%s/reports/pendency" % w["a"], headers=h(c, w, "rec")).json()["items"]
    assert [i["officer"] for i in mine] == [w["rec"]]
    assert mine[0]["receipts_waiting"] >= 1 and mine[0]["files_held"] == 0 and mine[0]["oldest_receipt_waiting_seconds"] >= 0


def test_updated_since_gives_receipts_registered_or_filed_since_and_names_those_that_left(c, w):
    """Mobile delta sync (issue 26): listReceipts takes updated_since; synced_at is what to pass next; a receipt
    filed since leaves the `filed=no` list and is named in `removed`. Garbage is a 400 problem."""
    full = c.get(receipts_url(w), params={"filed": "no"}, headers=h(c, w, "dave"))
    assert full.status_code == 200 and "removed" not in full.json(), full.text
    since = full.json()["synced_at"]
    datetime.datetime.fromisoformat(since.replace("Z", "+00:00"))
    time.sleep(0.05)
    kept, gone = register(c, w, "dave", subject="Delta kept").json(), register(c, w, "dave", subject="Delta filed").json()
    f, etag = create(c, w, "alice", subject="Delta file")
    f = move(c, w, "alice", f, etag, action="forward", to=w["dave"]).json()
    r = c.post(receipts_url(w) + "/%s/file" % gone["id"], headers=h(c, w, "dave"), json={"file_id": f["id"]})
    assert r.status_code == 200, r.text
    delta = c.get(receipts_url(w), params={"filed": "no", "updated_since": since}, headers=h(c, w, "dave"))
    assert delta.status_code == 200, delta.text
    body = delta.json()
    ids = [x["id"] for x in body["items"]]
    # (synced_at keeps a margin: a receipt filed in the last seconds before it may be named again)
    assert kept["id"] in ids and gone["id"] not in ids and gone["id"] in body["removed"], body
    assert kept["id"] not in body["removed"], body
    assert body["synced_at"] >= since
    every = c.get(receipts_url(w), params={"updated_since": since}, headers=h(c, w, "dave")).json()
    assert {kept["id"], gone["id"]} <= {x["id"] for x in every["items"]} and every["removed"] == []
    # an officer who sees none of them has nothing listed and nothing removed
    other = c.get(receipts_url(w), params={"updated_since": since}, headers=h(c, w, "alice")).json()
    assert kept["id"] not in [x["id"] for x in other["items"]] and kept["id"] not in other["removed"]
    later = c.get(receipts_url(w), params={"updated_since": "2999-01-01T00:00:00Z"}, headers=h(c, w, "dave")).json()
    assert later["items"] == [] and later["removed"] == [] and later["synced_at"].startswith("2999-01-01T00:00:00")
    for bad in ("yesterday", "2026-12-04", "2026-02-30T00:00:00Z", "2026-12-04T10:00:00Z; DROP"):
        assert_problem(c.get(receipts_url(w), params={"updated_since": bad}, headers=h(c, w, "dave")), 400)
