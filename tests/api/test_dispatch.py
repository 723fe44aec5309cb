"""e-Dispatch: drafts for approval on files, their approval (signed or not), and who may see and do what."""
import hashlib

import httpx
import pytest

from conftest import Server, assert_problem, keyed_env
from pki import CA
from test_auth import Officers, bearer, tokens

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"


@pytest.fixture(scope="module")
def w(db, tmp_path_factory):
    env = keyed_env(db)
    a, b = db.add_dept("dsa", "Finance"), db.add_dept("dsb", "Revenue")
    off = Officers(db, str(tmp_path_factory.mktemp("pw")))
    people = {
        "alice": off.add(a, "officer")[0], "bob": off.add(a, "officer")[0],
        "carol": off.add(a, "officer,section_officer")[0], "sam": off.add(a, "officer,section_officer")[0],
        "dave": off.add(a, "officer")[0], "clerk": off.add(a, "officer,dispatch_clerk")[0],
        "rec": off.add(a, "officer,records_officer")[0],
        "eve": off.add(b, "officer")[0], "bclerk": off.add(b, "officer,dispatch_clerk")[0],
        "brec": off.add(b, "officer,records_officer")[0],
    }
    ca = CA()
    ca_path = str(tmp_path_factory.mktemp("ca") / "ca.pem")
    with open(ca_path, "wb") as fh:
        fh.write(ca.pem())
    env["DAFTAR_SIGNING_CA"] = ca_path
    s = Server(env_extra=env)
    s.wait_ready()
    yield dict(people, a=a, b=b, server=s, env=env, db=db, ca=ca, tokens={})
    s.stop()


@pytest.fixture
def c(w):
    with httpx.Client(base_url=w["server"].url, http1=False, http2=True, timeout=20) as cl:
        yield cl


def h(c, w, who, **extra):
    if who not in w["tokens"]:
        w["tokens"][who] = tokens(c, w[who])["access_token"]
    return dict(bearer(w["tokens"][who]), **extra)


def files_url(w, dept=None):
    return "/v1/departments/%s/files" % (dept or w["a"])


def drafts_url(w, f, dept=None):
    return files_url(w, dept) + "/%s/drafts" % f["id"]


def new_file(c, w, who="alice", **body):
    body.setdefault("subject", "Flood relief 2026")
    body.setdefault("section", "RELIEF")
    r = c.post(files_url(w), headers=h(c, w, who), json=body)
    assert r.status_code == 201, r.text
    return r.json(), r.headers["etag"]


def move(c, w, who, f, etag, **body):
    r = c.post(files_url(w) + "/%s/movements" % f["id"], headers=h(c, w, who, **{"If-Match": etag}), json=body)
    assert r.status_code == 201, r.text
    return r.json(), r.headers["etag"]


OUTSIDE = {"name": "Collector, Jaipur", "address": "Collectorate, Jaipur 302001",
           "email": "collector.jaipur@example.gov.in", "mode": "email"}


def draft(c, w, who, f, key=None, **body):
    body.setdefault("subject", "बाढ़ राहत: तहसीलों को धनराशि का आवंटन")
    body.setdefault("body", "Funds are allotted as below.")
    body.setdefault("addressees", [OUTSIDE])
    extra = {"Idempotency-Key": key} if key else {}
    return c.post(drafts_url(w, f), headers=h(c, w, who, **extra), json=body)


def approve(c, w, who, f, d, etag, **body):
    return c.post(drafts_url(w, f) + "/%s/approval" % d["id"], headers=h(c, w, who, **{"If-Match": etag}), json=body)


def edit(c, w, who, f, d, etag, **body):
    return c.patch(drafts_url(w, f) + "/" + d["id"], headers=h(c, w, who, **{"If-Match": etag}), json=body)


def approved_draft(c, w, **body):
    """A file alice opened with her draft, approved by carol (who holds the file now)."""
    f, fe = new_file(c, w)
    r = draft(c, w, "alice", f, **body)
    assert r.status_code == 201, r.text
    d, de = r.json(), r.headers["etag"]
    f, fe = move(c, w, "alice", f, fe, action="forward", to=w["carol"])
    r = approve(c, w, "carol", f, d, de)
    assert r.status_code == 201, r.text
    return f, r.json(), r.headers["etag"]


# ------------------------------------------------------------------ drafts

def test_draft_edit_approve_with_signature_and_edit_voids_it(c, w):
    f, fe = new_file(c, w)
    r = draft(c, w, "alice", f, copies_to=[{"department": w["b"], "designation": "Joint Secretary"}])
    assert r.status_code == 201 and r.http_version == "HTTP/2", r.text
    d = r.json()
    assert r.headers["etag"] == '"1"' and d["version"] == 1 and d["status"] == "draft" and d["approval"] is None
    assert d["author"] == w["alice"] and d["file_id"] == f["id"] and len(d["hash"]) == 64
    assert d["addressees"] == [dict(OUTSIDE, kind="outside")]
    assert d["copies_to"] == [{"kind": "department", "department": w["b"], "section": "", "designation": "Joint Secretary",
                               "mode": "department"}]
    # the author edits while holding the file: a new version and hash
    r = edit(c, w, "alice", f, d, '"1"', body="Funds are allotted as in the statement enclosed.")
    assert r.status_code == 200 and r.headers["etag"] == '"2"', r.text
    d2 = r.json()
    assert d2["hash"] != d["hash"] and d2["subject"] == d["subject"] and d2["addressees"] == d["addressees"]
    assert_problem(edit(c, w, "alice", f, d, '"1"', body="stale"), 412)
    assert_problem(c.patch(drafts_url(w, f) + "/" + d["id"], headers=h(c, w, "alice"), json={"body": "x"}), 428)
    # the PDF of the letter enters the hash (a new version)
    r = c.put(drafts_url(w, f) + "/%s/document" % d["id"], params={"filename": "letter.pdf"}, content=PDF,
              headers=h(c, w, "alice", **{"content-type": "application/pdf"}))
    assert r.status_code == 201 and r.json()["sha256"] == hashlib.sha256(PDF).hexdigest(), r.text
    d3 = c.get(drafts_url(w, f) + "/" + d["id"], headers=h(c, w, "alice"))
    assert d3.headers["etag"] == '"3"' and d3.json()["document"]["sha256"] == hashlib.sha256(PDF).hexdigest()
    d3 = d3.json()
    # the author cannot approve; the approver must hold the file
    assert_problem(approve(c, w, "carol", f, d, '"3"'), 404)  # carol never held the file: it does not exist for her
    f, fe = move(c, w, "alice", f, fe, action="forward", to=w["carol"])
    assert_problem(edit(c, w, "alice", f, d, '"3"', body="x"), 403)  # no longer the holder
    # a signed approval over the version's hash
    key = w["ca"].issue("Carol Sharma, Deputy Secretary")
    assert c.post("/v1/me/certificates", headers=h(c, w, "carol"), json=key.registration(w["carol"])).status_code == 201
    assert "does not match" in assert_problem(
        approve(c, w, "carol", f, d, '"3"', signature=key.sign(d2["hash"])), 422)["detail"]  # an older version's hash
    assert_problem(approve(c, w, "carol", f, d, '"2"', signature=key.sign(d3["hash"])), 412)
    r = approve(c, w, "carol", f, d, '"3"', remarks="Approved.", signature=key.sign(d3["hash"]))
    assert r.status_code == 201, r.text
    a = r.json()
    assert a["status"] == "approved" and r.headers["etag"] == '"3"'
    assert a["approval"]["approved_by"] == w["carol"] and a["approval"]["version"] == 3 and a["approval"]["hash"] == d3["hash"]
    assert "Carol Sharma" in a["approval"]["signature"]["subject"] and a["approval"]["signature"]["signer"] == w["carol"]
    assert_problem(approve(c, w, "carol", f, d, '"3"'), 409)  # approved already
    # back to alice: her edit voids the approval
    f, fe = move(c, w, "carol", f, fe, action="return", remarks="Add the enclosure")
    r = edit(c, w, "alice", f, d, '"3"', enclosures=[d3["document"]["id"]])
    assert r.status_code == 200 and r.json()["status"] == "draft" and r.json()["approval"] is None, r.text
    # the approval stays on record (append-only), for version 3
    row = w["db"].psql("SELECT version, approved_by, cms IS NOT NULL FROM dept_%s.draft_approvals WHERE draft_id = '%s'"
                       % (w["a"], d["id"])).stdout.strip()
    assert row == "3|%s|t" % w["carol"]
    p = w["db"].psql("BEGIN; SET LOCAL ROLE dept_%s; UPDATE dept_%s.draft_approvals SET remarks = 'x';" % (w["a"], w["a"]),
                     user="daftar_api", check=False)
    assert p.returncode != 0 and "permission denied" in p.stderr
    p = w["db"].psql("DELETE FROM dept_%s.draft_approvals" % w["a"], check=False)  # nor the owner: the trigger
    assert p.returncode != 0 and "append-only" in p.stderr


def test_bad_drafts_are_clear_problems_and_change_nothing(c, w):
    f, _ = new_file(c, w)
    count = lambda: w["db"].psql("SELECT count(*) FROM dept_%s.drafts" % w["a"]).stdout.strip()  # noqa: E731
    before = count()
    for body, status in (({"addressees": [{"department": "nosuch_dept"}]}, 422),
                         ({"addressees": [{"department": w["a"]}]}, 422),  # itself
                         ({"addressees": [{"name": "Collector", "mode": "email"}]}, 422),  # no e-mail for mode email
                         ({"addressees": [{"department": w["b"], "mode": "post"}]}, 422),
                         ({"enclosures": ["00000000-0000-4000-8000-000000000000"]}, 422),
                         ({"addressees": []}, 400), ({"addressees": [{"name": "X", "email": "a b@c.in"}]}, 400),
                         ({"addressees": [{"name": "X", "email": "x@y.in\r\nBcc: z@evil.in"}]}, 400),
                         ({"addressees": [{"department": "Bad Code"}]}, 400),
                         ({"addressees": [{"department": w["b"], "name": "X"}]}, 400),
                         ({"addressees": [{"name": "X", "mode": "pigeon"}]}, 400), ({"addressees": ["X"]}, 400),
                         ({"subject": ""}, 400), ({"status": "approved"}, 400), ({"author": w["carol"]}, 400)):
        assert_problem(draft(c, w, "alice", f, **body), status)
    assert count() == before
    # only the holder drafts; an outsider of the department gets 404, another department's officer 403
    assert_problem(draft(c, w, "bob", f), 404)
    assert_problem(draft(c, w, "eve", f), 403)
    f2, fe2 = new_file(c, w)
    move(c, w, "alice", f2, fe2, action="forward", to=w["bob"])
    assert_problem(draft(c, w, "alice", f2), 403)  # a past holder sees it but does not write on it
    assert count() == before


def test_idempotent_drafting(c, w):
    f, _ = new_file(c, w)
    r1, r2 = draft(c, w, "alice", f, key="dfa-1"), draft(c, w, "alice", f, key="dfa-1")
    assert r1.status_code == r2.status_code == 201 and r1.json() == r2.json()
    assert r2.headers["idempotent-replayed"] == "true" and r2.headers["etag"] == '"1"'
    assert_problem(draft(c, w, "alice", f, key="dfa-1", subject="Another letter"), 422)
    assert len(c.get(drafts_url(w, f), headers=h(c, w, "alice")).json()["items"]) == 1


def test_who_approves(c, w):
    f, fe = new_file(c, w)
    d = draft(c, w, "alice", f).json()
    f, fe = move(c, w, "alice", f, fe, action="forward", to=w["bob"])
    d = c.get(drafts_url(w, f) + "/" + d["id"], headers=h(c, w, "bob")).json()
    assert_problem(approve(c, w, "bob", f, d, '"1"'), 403)  # no approving role
    f, fe = move(c, w, "bob", f, fe, action="forward", to=w["sam"])
    # sam drafts one himself and may not approve it, though he may approve alice's
    own = draft(c, w, "sam", f).json()
    assert "drafted" in assert_problem(approve(c, w, "sam", f, own, '"1"'), 403)["detail"]
    r = approve(c, w, "sam", f, d, '"1"')
    assert r.status_code == 201 and r.json()["approval"]["signature"] is None, r.text
    assert_problem(approve(c, w, "sam", f, d, '"1"', signature="%%%"), 400)
    assert_problem(approve(c, w, "sam", f, d, "1"), 412)
    assert_problem(approve(c, w, "sam", f, d, '"1"', status="approved"), 400)


def test_drafts_are_object_level(c, w):
    f, d, etag = approved_draft(c, w, subject="Matrix letter")
    u = drafts_url(w, f) + "/" + d["id"]
    calls = [("GET", drafts_url(w, f), {}), ("GET", u, {}),
             ("POST", drafts_url(w, f), {"json": {"subject": "x", "addressees": [OUTSIDE]}}),
             ("PATCH", u, {"json": {"body": "x"}, "headers": {"If-Match": etag}}),
             ("PUT", u + "/document", {"params": {"filename": "x.pdf"}, "content": PDF,
                                       "headers": {"content-type": "application/pdf"}}),
             ("POST", u + "/approval", {"json": {}, "headers": {"If-Match": etag}})]
    for who, status in (("dave", 404), ("clerk", 404), ("eve", 403)):
        for method, url, kw in calls:
            r = c.request(method, url, headers=h(c, w, who, **kw.get("headers", {})), json=kw.get("json"),
                          content=kw.get("content"), params=kw.get("params"))
            assert r.status_code == status, (who, method, url, r.text)
            assert "Matrix" not in r.text
    # a records officer sees the restricted file's drafts; a wrong file id names no draft
    assert c.get(u, headers=h(c, w, "rec")).status_code == 200
    other, _ = new_file(c, w, "carol")
    assert_problem(c.get(drafts_url(w, other) + "/" + d["id"], headers=h(c, w, "carol")), 404)
    assert_problem(c.put(drafts_url(w, other) + "/%s/document" % d["id"], params={"filename": "x.pdf"}, content=PDF,
                         headers=h(c, w, "carol", **{"content-type": "application/pdf"})), 404)
    assert c.get(u, headers=h(c, w, "carol")).json()["status"] == "approved"
