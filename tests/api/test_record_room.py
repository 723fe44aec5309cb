"""Retention and the record room (issue 27): a closed file goes to the record room with its head's category
and a review date; the records officer lists the files due and weeds one with a signed, hash-chained record
of what went and on whose order (the content goes, the fact stays); guard triggers and roles refuse every
other way. Over HTTP/2."""
import datetime
import hashlib

import httpx
import pytest

from conftest import assert_problem, office_today
from test_files import PDF, create, docs_url, files_url, h, move, notes_url, w  # noqa: F401 (fixtures)
from test_filing_scheme import add_head


@pytest.fixture
def c(w):
    with httpx.Client(base_url=w["server"].url, http1=False, http2=True, timeout=20) as cl:
        yield cl


def rr_url(w, f):
    return files_url(w) + "/%s/record-room" % f["id"]


def weed(c, w, who, f, key=None, order="Weeding committee order 12/2029", by=None, manifest_hash=None, **extra):
    by = by or w["carol"]
    body = dict(order_ref=order, ordered_by=by, **extra)
    if key is not None:
        body["signature"] = key.sign(hashlib.sha256(("%s|%s|%s" % (manifest_hash, order, by)).encode()).hexdigest())
    return c.post(files_url(w) + "/%s/weeding" % f["id"], headers=h(c, w, who), json=body)


def a_closed_file(c, w, head):
    """alice opens a file under `head`, writes a note, attaches a document, sends it to carol, who closes it."""
    f, etag = create(c, w, "alice", subject="Tour bills 2026", head_id=head["id"])
    assert c.post(notes_url(w, f), headers=h(c, w, "alice"), json={"body": "Bills examined; may be paid."}).status_code == 201
    r = c.post(docs_url(w, f), params={"filename": "bills.pdf"}, content=PDF,
               headers=dict(h(c, w, "alice"), **{"content-type": "application/pdf"}))
    assert r.status_code == 201, r.text
    doc = r.json()
    r = move(c, w, "alice", f, etag, action="forward", to=w["carol"])
    assert r.status_code == 201, r.text
    r = move(c, w, "carol", f, r.headers["etag"], action="close", remarks="Paid")
    assert r.status_code == 201, r.text
    return r.json(), r.headers["etag"], doc


def test_record_room_due_list_and_weeding_with_its_record(c, w, db):
    assert c.get("/").http_version == "HTTP/2"
    s = "dept_%s" % w["a"]
    head = add_head(c, w, "rec", code="TOUR", name="Tour bills", name_hi="दौरा बिल", retention="C", retention_years=1).json()
    keep = add_head(c, w, "rec", code="RULES", name="Rules", retention="A").json()
    f, etag, doc = a_closed_file(c, w, head)
    # only a closed file, only by the records officer
    open_file, _ = create(c, w, "alice", subject="Still open", head_id=head["id"])
    assert_problem(c.post(rr_url(w, open_file), headers=h(c, w, "rec")), 409, "file-not-closed")
    assert_problem(c.post(rr_url(w, f), headers=h(c, w, "alice")), 403, "needs-records-officer")
    r = c.post(rr_url(w, f), headers=h(c, w, "rec"))
    assert r.status_code == 200, r.text
    got = r.json()
    today = office_today()
    assert (got["retention"], got["retention_years"], got["closed_on"], got["head"]) == ("C", 1, today.isoformat(), "TOUR")
    assert got["review_on"] == today.replace(year=today.year + 1).isoformat() and got["weeded_at"] is None
    assert_problem(c.post(rr_url(w, f), headers=h(c, w, "rec")), 409, "in-record-room")
    # it moves no more (not even reopened)
    assert_problem(move(c, w, "carol", f, r.headers["etag"], action="reopen"), 409, "in-record-room")
    # an A file is kept for ever: never due
    a_file, _, _ = a_closed_file(c, w, keep)
    assert c.post(rr_url(w, a_file), headers=h(c, w, "rec")).json()["review_on"] is None
    # the due list: nothing today; by next year's review date, the C file (not the A one)
    url = "/v1/departments/%s/record-room" % w["a"]
    assert_problem(c.get(url, headers=h(c, w, "alice")), 403, "needs-records-officer")
    due = c.get(url, headers=h(c, w, "rec")).json()
    assert f["id"] not in [x["id"] for x in due["items"]] and due["due_by"] == today.isoformat()
    later = (today + datetime.timedelta(days=400)).isoformat()
    due = c.get(url, params={"due_by": later}, headers=h(c, w, "rec")).json()["items"]
    mine = [x for x in due if x["id"] == f["id"]]
    assert len(mine) == 1 and a_file["id"] not in [x["id"] for x in due]
    # not due yet: refused
    key = w["ca"].issue("Dev Records")
    assert c.post("/v1/me/certificates", headers=h(c, w, "rec"), json=key.registration(w["rec"])).status_code == 201
    assert_problem(weed(c, w, "rec", f, key, manifest_hash=mine[0]["manifest_hash"]), 409, "not-due")
    # a year on (the review date moved back, as time would): due today
    db.psql("UPDATE %s.files SET review_on = review_on - 400 WHERE id = '%s'" % (s, f["id"]))
    due = c.get(url, headers=h(c, w, "rec")).json()["items"]
    mh = [x for x in due if x["id"] == f["id"]][0]["manifest_hash"]
    # refused: not the records officer; unsigned; a signature over something else; a stranger's order
    assert_problem(weed(c, w, "alice", f, key, manifest_hash=mh), 403)
    assert weed(c, w, "rec", f).status_code == 400
    assert_problem(weed(c, w, "rec", f, key, manifest_hash="0" * 64), 422)
    assert_problem(weed(c, w, "rec", f, key, manifest_hash=mh, by=w["eve"]), 422)
    r = weed(c, w, "rec", f, key, manifest_hash=mh)
    assert r.status_code == 201, r.text
    rec = r.json()
    m = rec["manifest"]
    assert rec["manifest_hash"] == mh and rec["weeded_by"] == w["rec"] and rec["ordered_by"] == w["carol"]
    assert m["file"]["file_number"] == f["file_number"] and m["notes"]["count"] == 1 and m["notes"]["last_hash"]
    assert [(d["id"], d["sha256"]) for d in m["documents"]] == [(doc["id"], doc["sha256"])]
    assert m["order"] == {"ref": "Weeding committee order 12/2029", "ordered_by": w["carol"]}
    assert "Dev Records" in rec["signer"]["subject"] and rec["signed_hash"] == hashlib.sha256(
        ("%s|Weeding committee order 12/2029|%s" % (mh, w["carol"])).encode()).hexdigest()
    assert_problem(weed(c, w, "rec", f, key, manifest_hash=mh), 409, "file-weeded")
    # the content went, the fact stays: the file's number, track and the record
    assert c.get(notes_url(w, f), headers=h(c, w, "carol")).json()["items"] == []
    assert_problem(c.get(docs_url(w, f) + "/" + doc["id"], headers=h(c, w, "carol")), 404)
    left = db.psql("SELECT (SELECT count(*) FROM {s}.notes WHERE file_id = '{f}') || '/' || "
                   "(SELECT sum(length(content)) FROM {s}.documents WHERE file_id = '{f}') || '/' || "
                   "(SELECT count(*) FROM {s}.movements WHERE file_id = '{f}')".format(s=s, f=f["id"])).stdout.strip()
    assert left == "0/0/3"
    kept = c.get(files_url(w) + "/" + f["id"], headers=h(c, w, "carol")).json()
    assert kept["file_number"] == f["file_number"]
    # the record: listed, its chain verifying; a rewrite of it by the owner is caught
    wurl = "/v1/departments/%s/weedings" % w["a"]
    assert_problem(c.get(wurl, headers=h(c, w, "alice")), 403, "needs-records-officer")
    listed = c.get(wurl, headers=h(c, w, "rec")).json()
    assert listed["chain"] == {"ok": True, "checked": 1, "first_broken": None}, listed["chain"]
    assert listed["items"][0]["hash"] == rec["hash"] and listed["items"][0]["prev_hash"] == "0" * 64
    audited = db.psql("SELECT count(*) FROM %s.audit_events WHERE action = 'file.weed' AND object_id = '%s'"
                      % (s, f["id"])).stdout.strip()
    assert audited == "1"
    p = db.psql("UPDATE %s.weedings SET order_ref = 'no order'" % s, check=False)  # guarded, even for a superuser
    assert p.returncode != 0 and "append-only" in p.stderr, p.stderr
    tamper = "SET session_replication_role = replica; UPDATE %s.weedings SET order_ref = '%s' WHERE file_id = '%s'"
    db.psql(tamper % (s, "no order", f["id"]))  # past the triggers: the chain says so
    broken = c.get(wurl, headers=h(c, w, "rec")).json()["chain"]
    assert broken == {"ok": False, "checked": 1, "first_broken": 1}, broken
    db.psql(tamper % (s, "Weeding committee order 12/2029", f["id"]))


def as_role(w, sql, role=None):
    """SQL as the department's own role (what a statement of the API runs as), or as `role`."""
    prefix = ("SET ROLE %s; SELECT set_config('daftar.officer_uid', '%s', false), "
              "set_config('daftar.roles', ',officer,records_officer,', false); " % (role or "dept_%s" % w["a"], w["rec"]))
    return w["db"].psql(prefix + sql, check=False)


def test_weeding_is_the_only_way_content_goes(c, w):
    """The department's role cannot delete a final note or a document, write a weeding record, or pass the
    guards; the schema's owner passes them only in a transaction that wrote the file's weeding record."""
    head = add_head(c, w, "rec", code="MISC", name="Misc", retention="C", retention_years=2).json()
    f, _, doc = a_closed_file(c, w, head)
    s = "dept_%s" % w["a"]
    for sql in ("DELETE FROM {s}.notes WHERE file_id = '{f}'", "DELETE FROM {s}.documents WHERE file_id = '{f}'",
                "UPDATE {s}.documents SET content = ''::bytea, weeded_at = now() WHERE file_id = '{f}'",
                "DELETE FROM {s}.note_signatures WHERE file_id = '{f}'",
                "INSERT INTO {s}.weedings (seq, file_id, manifest, manifest_hash, order_ref, ordered_by, signed_hash, "
                "weeded_by, at, fingerprint, subject, issuer, serial, not_after, cms, prev_hash, hash) VALUES (1, '{f}', "
                "'{{}}', 'x', 'x', 'x', 'x', 'x', now(), 'x', 'x', 'x', 'x', now(), '', 'x', 'x')",
                "DELETE FROM {s}.weedings", "UPDATE {s}.weedings SET order_ref = 'x'"):
        p = as_role(w, sql.format(s=s, f=f["id"]))
        assert p.returncode != 0 and ("permission denied" in p.stderr or "never changes" in p.stderr), (sql, p.stderr)
    # not even the owner, outside a weeding
    for sql in ("DELETE FROM {s}.notes WHERE file_id = '{f}'",
                "UPDATE {s}.documents SET content = ''::bytea, weeded_at = now() WHERE file_id = '{f}'"):
        p = as_role(w, sql.format(s=s, f=f["id"]), role="daftar_owner")
        assert p.returncode != 0 and "never changes" in p.stderr, (sql, p.stderr)
    assert w["db"].psql("SELECT count(*) FROM %s.notes WHERE file_id = '%s'" % (s, f["id"])).stdout.strip() == "1"
    # weeding a file not in the record room: refused
    key = w["ca"].issue("Dev Records 2")
    c.post("/v1/me/certificates", headers=h(c, w, "rec"), json=key.registration(w["rec"]))
    assert_problem(weed(c, w, "rec", f, key, manifest_hash="0" * 64), 409, "not-due")
