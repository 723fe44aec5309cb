"""e-Dispatch: drafts for approval on files, their approval (signed or not), the dispatch register, letters
between departments with their signed hand-off, and letters by e-mail (to a local SMTP sink); who may see and do
what."""
import email
import email.header
import email.policy
import hashlib
import socketserver
import threading
import time

import httpx
import pytest

from conftest import Server, assert_problem, keyed_env
from pki import CA
from test_auth import Officers, bearer, tokens

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"


class SmtpSink(socketserver.ThreadingTCPServer):
    """A local SMTP server that keeps what it receives (RFC 5321's commands, no extensions); it refuses
    recipients whose address starts with 'refuse', as a relay refuses an unknown mailbox."""
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self):
        self.messages = []
        super().__init__(("127.0.0.1", 0), SmtpHandler)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    def url(self):
        return "smtp://127.0.0.1:%d" % self.server_address[1]

    def wait(self, count, timeout=20):
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.messages


class SmtpHandler(socketserver.StreamRequestHandler):
    def reply(self, line):
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self):
        self.reply("220 sink ESMTP")
        sender, rcpts = None, []
        while True:
            line = self.rfile.readline()
            if not line:
                return
            cmd = line.decode("ascii", "replace").strip()
            verb = cmd[:4].upper()
            if verb in ("EHLO", "HELO"):
                self.reply("250 sink")
            elif verb == "MAIL":
                sender, rcpts = cmd.split(":", 1)[1].strip(), []
                self.reply("250 OK")
            elif verb == "RCPT":
                to = cmd.split(":", 1)[1].strip()
                if to.startswith("<refuse"):
                    self.reply("550 5.1.1 No such mailbox")
                else:
                    rcpts.append(to)
                    self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 go on")
                data = b""
                while True:
                    chunk = self.rfile.readline()
                    if chunk in (b".\r\n", b""):
                        break
                    data += chunk[1:] if chunk.startswith(b"..") else chunk
                self.server.messages.append((sender, rcpts, data))
                self.reply("250 queued")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("250 OK")


@pytest.fixture(scope="module")
def w(db, tmp_path_factory):
    env = keyed_env(db)
    sink = SmtpSink()
    env.update({"DAFTAR_SMTP_URL": sink.url(), "DAFTAR_MAIL_FROM": "dispatch@finance.example.gov.in",
                "DAFTAR_MAIL_RESCAN_MS": "200"})
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
    yield dict(people, a=a, b=b, server=s, env=env, db=db, ca=ca, tokens={}, sink=sink)
    s.stop()
    sink.shutdown()


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


def assert_refused(c, w, calls, cases, marker):
    """Each (method, url, kwargs) call answers each (who, status) with that status and without the marker text."""
    for who, status in cases:
        for method, url, kw in calls:
            r = c.request(method, url, headers=h(c, w, who, **kw.get("headers", {})), json=kw.get("json"),
                          content=kw.get("content"), params=kw.get("params"))
            assert r.status_code == status, (who, method, url, r.text)
            assert_problem(r, status)
            assert marker not in r.text


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
    assert_refused(c, w, calls, (("dave", 404), ("clerk", 404), ("eve", 403)), "Matrix")
    # a records officer sees the restricted file's drafts; a wrong file id names no draft
    assert c.get(u, headers=h(c, w, "rec")).status_code == 200
    other, _ = new_file(c, w, "carol")
    assert_problem(c.get(drafts_url(w, other) + "/" + d["id"], headers=h(c, w, "carol")), 404)
    assert_problem(c.put(drafts_url(w, other) + "/%s/document" % d["id"], params={"filename": "x.pdf"}, content=PDF,
                         headers=h(c, w, "carol", **{"content-type": "application/pdf"})), 404)
    assert c.get(u, headers=h(c, w, "carol")).json()["status"] == "approved"


# -------------------------------------------------------------- dispatches

def dispatches_url(w, dept=None):
    return "/v1/departments/%s/dispatches" % (dept or w["a"])


def issue(c, w, who, d, key=None):
    extra = {"Idempotency-Key": key} if key else {}
    return c.post(dispatches_url(w), headers=h(c, w, who, **extra), json={"draft_id": d["id"]})


def set_status(c, w, who, x, etag, **body):
    return c.post(dispatches_url(w) + "/%s/status" % x["id"], headers=h(c, w, who, **{"If-Match": etag}), json=body)


def serial(number):
    return int(number.rsplit("/", 1)[1])


POSTAL = {"name": "Tehsildar, Sanganer", "address": "Tehsil office, Sanganer 302029", "mode": "post"}
BY_HAND = {"name": "जिला कलेक्टर, अजमेर", "mode": "hand"}


def test_issue_numbers_statuses_register_and_report(c, w):
    f, d, _ = approved_draft(c, w, subject="बाढ़ राहत: अजमेर ज़िले को धनराशि", addressees=[POSTAL, BY_HAND],
                             copies_to=[{"name": "Divisional Commissioner, Ajmer", "mode": "post"}])
    queue = c.get("/v1/departments/%s/dispatch-queue" % w["a"], headers=h(c, w, "clerk")).json()["items"]
    assert d["id"] in [q["id"] for q in queue]
    assert_problem(c.get("/v1/departments/%s/dispatch-queue" % w["a"], headers=h(c, w, "alice")), 403)
    assert_problem(issue(c, w, "carol", d), 403, "needs-dispatch-clerk")  # the approver is not the dispatch section
    r = issue(c, w, "clerk", d, key="issue-1")
    assert r.status_code == 201, r.text
    items = r.json()["items"]
    assert [(x["n"], x["copy"], x["mode"]) for x in items] == [(1, False, "post"), (2, False, "hand"), (3, True, "post")]
    code = w["a"].upper()
    for x in items:
        assert x["dispatch_number"].startswith("%s/" % code) and "/D/" in x["dispatch_number"]
        assert len(x["dispatch_number"].rsplit("/", 1)[1]) == 6 and x["status"] == "issued" and x["version"] == 1
        assert x["draft_hash"] == d["hash"] and x["draft_version"] == d["version"] and x["issued_by"] == w["clerk"]
    assert [serial(x["dispatch_number"]) for x in items] == list(range(serial(items[0]["dispatch_number"]),
                                                                       serial(items[0]["dispatch_number"]) + 3))
    again = issue(c, w, "clerk", d, key="issue-1")
    assert again.status_code == 201 and again.json() == r.json() and again.headers["idempotent-replayed"] == "true"
    assert "issued already" in assert_problem(issue(c, w, "clerk", d), 409, "draft-issued-already")["detail"]
    assert d["id"] not in [q["id"] for q in c.get("/v1/departments/%s/dispatch-queue" % w["a"],
                                                  headers=h(c, w, "clerk")).json()["items"]]
    # an issued draft never changes, even for its author holding the file
    assert c.get(drafts_url(w, f) + "/" + d["id"], headers=h(c, w, "alice")).json()["status"] == "issued"
    # statuses: post needs its consignment number; cancel only before sent
    post, hand, copy = items
    assert "consignment" in assert_problem(set_status(c, w, "clerk", post, '"1"', status="sent"), 422)["detail"]
    assert_problem(set_status(c, w, "clerk", post, '"1"', status="delivered"), 409, "dispatch-not-sent")
    assert_problem(set_status(c, w, "alice", post, '"1"', status="cancelled"), 403)  # sees it, is not the section
    r = set_status(c, w, "clerk", post, '"1"', status="sent", consignment="EM123456789IN")
    assert r.status_code == 201 and r.json()["status"] == "sent" and r.headers["etag"] == '"2"', r.text
    assert_problem(set_status(c, w, "clerk", post, '"1"', status="cancelled"), 412)
    assert "cancelled" in assert_problem(set_status(c, w, "clerk", post, '"2"', status="cancelled"), 409)["detail"]
    assert set_status(c, w, "clerk", post, '"2"', status="delivered").status_code == 201
    assert set_status(c, w, "clerk", hand, '"1"', status="cancelled", remarks="Sent with the revised letter").status_code == 201
    assert_problem(set_status(c, w, "clerk", hand, '"2"', status="sent"), 409)
    assert_problem(c.post(dispatches_url(w) + "/%s/status" % copy["id"], headers=h(c, w, "clerk"), json={"status": "sent"}), 428)
    got = c.get(dispatches_url(w) + "/" + post["id"], headers=h(c, w, "alice"))
    assert got.status_code == 200 and got.headers["etag"] == '"3"', got.text
    assert [(e["status"], e["by"]) for e in got.json()["events"]] == [("issued", w["clerk"]), ("sent", w["clerk"]),
                                                                      ("delivered", w["clerk"])]
    assert got.json()["consignment"] == "EM123456789IN"
    # the register: by number, addressee (Hindi), subject (Hindi), dates, mode, status
    reg = lambda **q: c.get(dispatches_url(w), headers=h(c, w, "clerk"), params=q)  # noqa: E731
    assert [x["id"] for x in reg(number=post["dispatch_number"]).json()["items"]] == [post["id"]]
    assert [x["id"] for x in reg(addressee="कलेक्टर, अजमेर").json()["items"]] == [hand["id"]]
    assert {x["id"] for x in reg(q="अजमेर ज़िले").json()["items"]} == {post["id"], hand["id"], copy["id"]}
    assert {x["id"] for x in reg(q="अजमेर ज़िले", status="issued").json()["items"]} == {copy["id"]}
    assert {x["id"] for x in reg(q="अजमेर ज़िले", mode="hand").json()["items"]} == {hand["id"]}
    today = post["issued_on"]
    assert len(reg(q="अजमेर ज़िले", **{"from": today, "to": today}).json()["items"]) == 3
    assert reg(q="अजमेर ज़िले", **{"from": "2020-01-01", "to": "2020-12-31"}).json()["items"] == []
    assert_problem(reg(**{"from": "2026-02-30"}), 400)
    page = reg(q="अजमेर ज़िले", limit=2).json()
    rest = reg(q="अजमेर ज़िले", limit=2, cursor=page["next_cursor"]).json()
    assert len(page["items"]) == 2 and len(rest["items"]) == 1 and rest["next_cursor"] is None
    # the report counts what the caller may see in the period
    rep = c.get("/v1/departments/%s/reports/dispatch" % w["a"], headers=h(c, w, "clerk"),
                params={"from": today, "to": today}).json()
    assert rep["by_status"]["delivered"] >= 1 and rep["by_status"]["cancelled"] >= 1 and rep["by_mode"]["hand"] >= 1
    assert rep["total"] == sum(rep["by_mode"].values()) == sum(rep["by_status"].values()) == sum(
        i["count"] for i in rep["items"])
    outsider = c.get("/v1/departments/%s/reports/dispatch" % w["a"], headers=h(c, w, "dave"),
                     params={"from": today, "to": today}).json()
    assert outsider["total"] == 0



def test_updated_since_gives_dispatches_changed_since_and_names_those_that_left(c, w):
    """Mobile delta sync (issue 26): listDispatches takes updated_since; a dispatch issued or whose status
    changed since is listed; one sent since leaves the `status=issued` register and is named in `removed`."""
    full = c.get(dispatches_url(w), params={"status": "issued"}, headers=h(c, w, "clerk"))
    assert full.status_code == 200 and "removed" not in full.json(), full.text
    since = full.json()["synced_at"]
    time.sleep(0.05)
    f, d, _ = approved_draft(c, w, subject="Delta sync letters", addressees=[POSTAL, BY_HAND])
    r = issue(c, w, "clerk", d)
    assert r.status_code == 201, r.text
    post, hand = r.json()["items"]
    assert set_status(c, w, "clerk", post, '"1"', status="sent", consignment="EM000000001IN").status_code == 201
    delta = c.get(dispatches_url(w), params={"status": "issued", "updated_since": since}, headers=h(c, w, "clerk"))
    assert delta.status_code == 200, delta.text
    body = delta.json()
    ids = [x["id"] for x in body["items"]]
    assert hand["id"] in ids and post["id"] not in ids and post["id"] in body["removed"], body
    assert hand["id"] not in body["removed"] and body["synced_at"] >= since
    every = c.get(dispatches_url(w), params={"updated_since": since}, headers=h(c, w, "clerk")).json()
    assert {post["id"], hand["id"]} <= {x["id"] for x in every["items"]} and every["removed"] == []
    outsider = c.get(dispatches_url(w), params={"updated_since": since}, headers=h(c, w, "dave")).json()
    assert outsider["items"] == [] and outsider["removed"] == [], outsider
    later = c.get(dispatches_url(w), params={"updated_since": "2999-01-01T00:00:00Z"}, headers=h(c, w, "clerk")).json()
    assert later["items"] == [] and later["removed"] == [] and later["synced_at"].startswith("2999-01-01T00:00:00")
    assert_problem(c.get(dispatches_url(w), params={"updated_since": "2026-12-04"}, headers=h(c, w, "clerk")), 400)

def test_issue_refusals_change_nothing(c, w):
    count = lambda: w["db"].psql("SELECT count(*), (SELECT coalesce(max(last), 0) FROM dept_%s.dispatch_counters) "  # noqa
                                 "FROM dept_%s.dispatches" % (w["a"], w["a"])).stdout.strip()
    before = count()
    f, fe = new_file(c, w)
    d = draft(c, w, "alice", f, addressees=[POSTAL]).json()
    assert "not approved" in assert_problem(issue(c, w, "clerk", d), 422)["detail"]
    f, fe = move(c, w, "alice", f, fe, action="forward", to=w["carol"])
    assert approve(c, w, "carol", f, d, '"1"').status_code == 201
    f, fe = move(c, w, "carol", f, fe, action="return")
    assert edit(c, w, "alice", f, d, '"1"', subject="Changed after approval").status_code == 200
    assert_problem(issue(c, w, "clerk", d), 422)
    # e-mail mode needs the letter's PDF on the approved draft
    f2, d2, _ = approved_draft(c, w, addressees=[OUTSIDE])
    assert "PDF" in assert_problem(issue(c, w, "clerk", d2), 422)["detail"]
    assert_problem(c.post(dispatches_url(w), headers=h(c, w, "clerk"), json={"draft_id": "nope"}), 400)
    assert_problem(c.post(dispatches_url(w), headers=h(c, w, "clerk"),
                          json={"draft_id": "00000000-0000-4000-8000-000000000000"}), 404)
    assert_problem(issue(c, w, "bclerk", d2), 403)  # another department's dispatch section
    assert count() == before


def test_two_concurrent_issues_of_one_draft_make_one_dispatch(w):
    import threading
    with httpx.Client(base_url=w["server"].url, timeout=20) as c0:
        drafts = [approved_draft(c0, w, addressees=[POSTAL, BY_HAND])[1] for _ in range(3)]
        h(c0, w, "clerk")
    results = []

    def go(d, key):
        with httpx.Client(base_url=w["server"].url, http1=False, http2=True, timeout=20) as cl:
            r = issue(cl, w, "clerk", d, key=key)
            results.append((d["id"], key, r.status_code, r.json()))
    threads = [threading.Thread(target=go, args=(d, k)) for d in drafts for k in (None, "race-a-" + d["id"][:8],
                                                                                 "race-b-" + d["id"][:8], None)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for d in drafts:
        mine = [r for r in results if r[0] == d["id"]]
        assert sorted(r[2] for r in mine) == [201, 409, 409, 409], mine
        rows = w["db"].psql("SELECT count(*) FROM dept_%s.dispatches WHERE draft_id = '%s'" % (w["a"], d["id"])).stdout
        assert rows.strip() == "2"
    # the department's numbers have no gaps and no repeats
    serials = w["db"].psql("SELECT string_agg(serial::text, ',' ORDER BY serial), max(serial), count(*), "
                           "count(DISTINCT dispatch_number), (SELECT last FROM dept_%s.dispatch_counters) "
                           "FROM dept_%s.dispatches" % (w["a"], w["a"])).stdout.strip().split("|")
    assert [int(s) for s in serials[0].split(",")] == list(range(1, int(serials[1]) + 1))
    assert serials[1] == serials[2] == serials[3] == serials[4]


def test_letters_of_dispatches_and_object_level(c, w):
    f, d, _ = approved_draft(c, w, subject="Matrix dispatch", addressees=[POSTAL])
    x = issue(c, w, "clerk", d).json()["items"][0]
    u = dispatches_url(w) + "/" + x["id"]
    r = c.put(u + "/letter", params={"filename": "letter-signed.pdf"}, content=PDF,
              headers=h(c, w, "clerk", **{"content-type": "application/pdf"}))
    assert r.status_code == 201 and r.json()["sha256"] == hashlib.sha256(PDF).hexdigest(), r.text
    assert_problem(c.put(u + "/letter", params={"filename": "again.pdf"}, content=PDF,
                         headers=h(c, w, "clerk", **{"content-type": "application/pdf"})), 409)
    got = c.get(u + "/letter", headers=h(c, w, "alice"))
    assert got.status_code == 200 and got.content == PDF and got.headers["etag"] == '"%s"' % hashlib.sha256(PDF).hexdigest()
    x = c.get(u, headers=h(c, w, "clerk")).json()
    assert x["letter"]["sha256"] == hashlib.sha256(PDF).hexdigest() and x["version"] == 2
    calls = [("GET", u, {}), ("GET", u + "/letter", {}),
             ("POST", u + "/status", {"json": {"status": "cancelled"}, "headers": {"If-Match": '"2"'}}),
             ("PUT", u + "/letter", {"params": {"filename": "x.pdf"}, "content": PDF,
                                     "headers": {"content-type": "application/pdf"}})]
    assert_refused(c, w, calls, (("dave", 404), ("eve", 403), ("bclerk", 403)), "Matrix")
    assert c.get(dispatches_url(w), headers=h(c, w, "dave"), params={"q": "Matrix"}).json()["items"] == []
    for who in ("eve", "bclerk"):
        assert_problem(c.get(dispatches_url(w), headers=h(c, w, who)), 403)
    # who may see the file (alice, the author) and the records officer read it; only the section changes it
    assert c.get(u, headers=h(c, w, "rec")).status_code == 200
    assert_problem(set_status(c, w, "rec", x, '"2"', status="cancelled"), 403)
    assert c.get(u, headers=h(c, w, "clerk")).json()["status"] == "issued"
    p = w["db"].psql("BEGIN; SET LOCAL ROLE dept_%s; DELETE FROM dept_%s.dispatch_events;" % (w["a"], w["a"]),
                     user="daftar_api", check=False)
    assert p.returncode != 0 and "permission denied" in p.stderr


# ---------------------------------------------------- letters between departments

def dak_url(w, dept):
    return "/v1/departments/%s/dak" % dept


def jwks_key(c, kid):
    import jwt as pyjwt
    keys = c.get("/.well-known/jwks.json").json()["keys"]
    return pyjwt.PyJWK([k for k in keys if k["kid"] == kid][0]).key


def department_letter(c, w, subject):
    """An approved draft on alice's file to department b, with its PDF; issued by the clerk."""
    f, fe = new_file(c, w)
    d = draft(c, w, "alice", f, subject=subject,
              addressees=[{"department": w["b"], "section": "Relief", "designation": "Joint Secretary"}]).json()
    r = c.put(drafts_url(w, f) + "/%s/document" % d["id"], params={"filename": "letter.pdf"}, content=PDF,
              headers=h(c, w, "alice", **{"content-type": "application/pdf"}))
    assert r.status_code == 201, r.text
    f, fe = move(c, w, "alice", f, fe, action="forward", to=w["carol"])
    assert approve(c, w, "carol", f, d, '"2"').status_code == 201
    r = issue(c, w, "clerk", d)
    assert r.status_code == 201, r.text
    return r.json()["items"][0]


def test_letter_to_another_department_arrives_is_acknowledged_and_the_handoff_verifies(c, w):
    import jwt as pyjwt
    x = department_letter(c, w, "राहत शिविरों के लिए तंबू: विभागीय पत्र")
    assert x["mode"] == "department" and x["status"] == "sent" and x["letter"]["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert_problem(c.get(dispatches_url(w) + "/%s/receipt" % x["id"], headers=h(c, w, "clerk")), 404)  # not yet
    # it is in b's dak, for b's registry only, with nothing of a's file
    waiting = c.get(dak_url(w, w["b"]), headers=h(c, w, "brec"), params={"status": "waiting"}).json()["items"]
    letter = [y for y in waiting if y["dispatch_number"] == x["dispatch_number"]]
    assert len(letter) == 1, waiting
    letter = letter[0]
    assert letter["sender"] == w["a"] and letter["sender_name"] == "Finance" and letter["designation"] == "Joint Secretary"
    assert letter["sha256"] == hashlib.sha256(PDF).hexdigest() and letter["receipt_number"] is None
    assert set(letter) == {"id", "sender", "sender_name", "dispatch_number", "section", "designation", "subject",
                           "letter_date", "filename", "size", "sha256", "sent_at", "receipt_id", "receipt_number",
                           "acknowledged_by", "acknowledged_at"}
    ack = dak_url(w, w["b"]) + "/%s/acknowledgement" % letter["id"]
    for who, status in (("eve", 403), ("clerk", 403), ("rec", 403)):  # b's plain officer; a's registry
        assert_problem(c.get(dak_url(w, w["b"]), headers=h(c, w, who)), status)
        assert_problem(c.post(ack, headers=h(c, w, who)), status)
    assert all(y["dispatch_number"] != x["dispatch_number"]
               for y in c.get(dak_url(w, w["a"]), headers=h(c, w, "rec")).json()["items"])  # a receives nothing
    assert_problem(c.post(dak_url(w, w["a"]) + "/%s/acknowledgement" % letter["id"], headers=h(c, w, "rec")), 404)
    # b's registry acknowledges: a receipt in b's dak with the same bytes, and the signed hand-off
    r = c.post(ack, headers=h(c, w, "brec"))
    assert r.status_code == 201, r.text
    receipt, handoff = r.json()["receipt"], r.json()["handoff"]
    assert receipt["receipt_number"].startswith(w["b"].upper() + "/R/") and receipt["letter_number"] == x["dispatch_number"]
    assert receipt["sender"] == "Finance (%s)" % w["a"] and receipt["mode"] == "portal"
    assert receipt["document"]["sha256"] == hashlib.sha256(PDF).hexdigest()
    doc = c.get("/v1/departments/%s/receipts/%s/document" % (w["b"], receipt["id"]), headers=h(c, w, "brec"))
    assert doc.status_code == 200 and doc.content == PDF
    assert_problem(c.post(ack, headers=h(c, w, "brec")), 409)
    # a's dispatch is delivered; its hand-off receipt verifies with the JWKS alone
    got = c.get(dispatches_url(w) + "/" + x["id"], headers=h(c, w, "clerk")).json()
    assert got["status"] == "delivered" and got["delivery"]["receipt_number"] == receipt["receipt_number"]
    assert x["id"] in [y["id"] for y in c.get(dispatches_url(w), headers=h(c, w, "clerk"),
                                              params={"status": "delivered", "mode": "department"}).json()["items"]]
    rec = c.get(dispatches_url(w) + "/%s/receipt" % x["id"], headers=h(c, w, "alice"))
    assert rec.status_code == 200 and rec.json()["handoff"] == handoff, rec.text
    header = pyjwt.get_unverified_header(handoff)
    assert header["alg"] == "ES256"
    with httpx.Client(base_url=w["server"].url) as anyone:  # no token: the JWKS is public
        claims = pyjwt.decode(handoff, jwks_key(anyone, header["kid"]), algorithms=["ES256"], options={"verify_aud": False})
    assert claims["token_use"] == "dak_handoff" and "aud" not in claims
    assert (claims["sender"], claims["recipient"]) == (w["a"], w["b"])
    assert claims["dispatch_number"] == x["dispatch_number"] and claims["receipt_number"] == receipt["receipt_number"]
    assert claims["letter_sha256"] == hashlib.sha256(PDF).hexdigest() and claims["jti"] == letter["id"]
    assert claims["sent_at"] == rec.json()["sent_at"] and claims["received_at"] == rec.json()["received_at"]
    assert claims["sent_at"] <= claims["received_at"]
    # a tampered hand-off does not verify; the hand-off is never an access token
    body = handoff.split(".")[1]
    forged = handoff.replace(body, body[:-4] + ("AAAA" if body[-4:] != "AAAA" else "BBBB"))
    with pytest.raises(pyjwt.InvalidSignatureError):
        pyjwt.decode(forged, jwks_key(c, header["kid"]), algorithms=["ES256"], options={"verify_aud": False})
    assert c.get("/v1/me", headers=bearer(handoff)).status_code == 401
    # b sees the receipt, never a's dispatch; a never b's receipt
    assert_problem(c.get(dispatches_url(w) + "/" + x["id"], headers=h(c, w, "brec")), 403)
    assert_problem(c.get("/v1/departments/%s/receipts/%s" % (w["b"], receipt["id"]), headers=h(c, w, "clerk")), 403)
    # the crossing is in both departments' audit chains
    sent = w["db"].psql("SELECT count(*) FROM dept_%s.audit_events WHERE action = 'dispatch.sent' AND detail->>'number' = '%s'"
                        % (w["a"], x["dispatch_number"])).stdout.strip()
    acked = w["db"].psql("SELECT count(*) FROM dept_%s.audit_events WHERE action = 'dak.acknowledge' AND "
                         "detail->>'dispatch_number' = '%s'" % (w["b"], x["dispatch_number"])).stdout.strip()
    assert sent == acked == "1"


def test_a_letter_to_a_department_cannot_be_cancelled_or_delivered_by_hand(c, w):
    x = department_letter(c, w, "Letter that stays in the exchange")
    for status in ("cancelled", "delivered", "returned"):
        assert_problem(set_status(c, w, "clerk", x, '"%d"' % x["version"], status=status), 409)


def test_the_sender_is_told_when_another_department_acknowledges(c, w):
    """dispatch.delivered for a letter to a department: the sender's clerk and the letter's author get it on
    their event streams when the receiving department acknowledges, though b's role still has no right on
    a's schema (the catalog's trigger publishes it, daftar.dak_delivered)."""
    from test_events import Stream
    x = department_letter(c, w, "Letter whose delivery the sender hears of")
    h(c, w, "clerk"), h(c, w, "alice")
    shim = {"server": w["server"], "t_clerk": w["tokens"]["clerk"], "t_alice": w["tokens"]["alice"]}
    streams = {who: Stream(shim, who) for who in ("clerk", "alice")}
    try:
        letter = [y for y in c.get(dak_url(w, w["b"]), headers=h(c, w, "brec")).json()["items"]
                  if y["dispatch_number"] == x["dispatch_number"]][0]
        r = c.post(dak_url(w, w["b"]) + "/%s/acknowledgement" % letter["id"], headers=h(c, w, "brec"))
        assert r.status_code == 201, r.text
        for who, s in streams.items():
            deadline = time.monotonic() + 5
            while not [e for e in s.events() if e["event"] == "dispatch.delivered" and e["subject"] == x["id"]]:
                assert time.monotonic() < deadline, "%s: no dispatch.delivered, got %s" % (who, [e["event"] for e in s.events()])
                time.sleep(0.05)
            got = [e for e in s.events() if e["event"] == "dispatch.delivered" and e["subject"] == x["id"]]
            assert len(got) == 1 and got[0]["data"]["number"] == x["dispatch_number"], got
    finally:
        for s in streams.values():
            s.close()
    rights = w["db"].psql("SELECT has_schema_privilege('dept_%s', 'dept_%s', 'USAGE'), "
                          "has_table_privilege('dept_%s', 'dept_%s.events', 'INSERT')"
                          % (w["b"], w["a"], w["b"], w["a"])).stdout.strip()
    assert rights == "f|f", rights


# ---------------------------------------------------------------- e-mail

def wait_for(c, w, x, check, timeout=20):
    deadline = time.monotonic() + timeout
    while True:
        got = c.get(dispatches_url(w) + "/" + x["id"], headers=h(c, w, "clerk")).json()
        if check(got) or time.monotonic() > deadline:
            return got
        time.sleep(0.1)


def test_the_journey_draft_signed_approval_email_and_department(c, w):
    """Draft with its PDF, approve with a signature, issue to an outside addressee by e-mail (the sink receives
    it, PDF attached) and to another department (a receipt there, acknowledged, the hand-off verifies)."""
    import jwt as pyjwt
    f, fe = new_file(c, w, subject="Flood relief: tents for camps")
    collector = {"name": "जिला कलेक्टर, जयपुर", "email": "collector.jaipur@example.gov.in", "mode": "email"}
    d = draft(c, w, "alice", f, subject="राहत शिविर: तंबुओं की आपूर्ति", body="Tents are sent as below.",
              addressees=[collector, {"department": w["b"], "designation": "Joint Secretary"}]).json()
    r = c.put(drafts_url(w, f) + "/%s/document" % d["id"], params={"filename": "letter.pdf"}, content=PDF,
              headers=h(c, w, "alice", **{"content-type": "application/pdf"}))
    assert r.status_code == 201, r.text
    d = c.get(drafts_url(w, f) + "/" + d["id"], headers=h(c, w, "alice")).json()
    f, fe = move(c, w, "alice", f, fe, action="forward", to=w["sam"])
    key = w["ca"].issue("Sam Verma, Under Secretary")
    assert c.post("/v1/me/certificates", headers=h(c, w, "sam"), json=key.registration(w["sam"])).status_code == 201
    r = approve(c, w, "sam", f, d, '"%d"' % d["version"], signature=key.sign(d["hash"]))
    assert r.status_code == 201 and r.json()["approval"]["signature"]["signer"] == w["sam"], r.text
    before = len(w["sink"].messages)
    r = issue(c, w, "clerk", d)
    assert r.status_code == 201, r.text
    by_mail, to_dept = r.json()["items"]
    assert by_mail["mode"] == "email" and to_dept["mode"] == "department" and to_dept["status"] == "sent"
    # the mailer sends it, off the event loop, with the PDF attached
    got = wait_for(c, w, by_mail, lambda x: x["status"] == "sent")
    assert got["status"] == "sent" and got["mail"]["sent_at"] and got["mail"]["attempts"] == 1, got
    assert [e["by"] for e in got["events"]] == [w["clerk"], "mailer"]
    sender, rcpts, data = w["sink"].wait(before + 1)[-1]
    assert sender == "<dispatch@finance.example.gov.in>" and rcpts == ["<collector.jaipur@example.gov.in>"]
    msg = email.message_from_bytes(data, policy=email.policy.default)
    assert msg["Subject"] == "%s: राहत शिविर: तंबुओं की आपूर्ति" % by_mail["dispatch_number"]
    # RFC 2047: the whitespace between adjacent encoded words is not text (Python's address parser keeps it)
    raw_to = email.message_from_bytes(data)["To"]
    assert str(email.header.make_header(email.header.decode_header(raw_to))) == \
        "जिला कलेक्टर, जयपुर <collector.jaipur@example.gov.in>"
    parts = list(msg.iter_attachments())
    assert len(parts) == 1 and parts[0].get_content_type() == "application/pdf" and parts[0].get_content() == PDF
    assert "Tents are sent as below." in msg.get_body(("plain",)).get_content()
    # the other department acknowledges; the hand-off verifies with the JWKS alone
    letter = [y for y in c.get(dak_url(w, w["b"]), headers=h(c, w, "brec")).json()["items"]
              if y["dispatch_number"] == to_dept["dispatch_number"]][0]
    r = c.post(dak_url(w, w["b"]) + "/%s/acknowledgement" % letter["id"], headers=h(c, w, "brec"))
    assert r.status_code == 201, r.text
    handoff = c.get(dispatches_url(w) + "/%s/receipt" % to_dept["id"], headers=h(c, w, "clerk")).json()["handoff"]
    claims = pyjwt.decode(handoff, jwks_key(c, pyjwt.get_unverified_header(handoff)["kid"]), algorithms=["ES256"],
                          options={"verify_aud": False})
    assert claims["letter_sha256"] == hashlib.sha256(PDF).hexdigest() == r.json()["receipt"]["document"]["sha256"]
    rep = c.get("/v1/departments/%s/reports/dispatch" % w["a"], headers=h(c, w, "clerk")).json()
    assert rep["by_mode"]["email"] >= 1 and rep["by_mode"]["department"] >= 1 and rep["by_status"]["delivered"] >= 1


def test_a_refused_email_stays_issued_with_the_relays_answer_and_is_retried(c, w):
    f, fe = new_file(c, w)
    d = draft(c, w, "alice", f, addressees=[{"name": "Nobody", "email": "refuse.me@example.gov.in", "mode": "email"}]).json()
    c.put(drafts_url(w, f) + "/%s/document" % d["id"], params={"filename": "letter.pdf"}, content=PDF,
          headers=h(c, w, "alice", **{"content-type": "application/pdf"}))
    f, fe = move(c, w, "alice", f, fe, action="forward", to=w["carol"])
    assert approve(c, w, "carol", f, d, '"2"').status_code == 201
    x = issue(c, w, "clerk", d).json()["items"][0]
    got = wait_for(c, w, x, lambda y: y["mail"]["attempts"] >= 1 and y["mail"]["last_error"])
    assert got["status"] == "issued" and "550" in got["mail"]["last_error"] and got["mail"]["sent_at"] is None, got
    due = w["db"].psql("SELECT mail_next_at > now() + interval '50 seconds' FROM dept_%s.dispatches WHERE id = '%s'"
                       % (w["a"], x["id"])).stdout.strip()
    assert due == "t"  # tried again after a backoff, not at once
    # the clerk may still cancel it: it was never sent
    assert set_status(c, w, "clerk", got, '"%d"' % got["version"], status="cancelled").status_code == 201


def test_no_text_of_a_draft_adds_a_mail_header(c, w):
    evil = {"name": "Evil\r\nBcc: spy@example.org\r\nX-Injected: 1", "email": "desk@example.gov.in", "mode": "email"}
    f, fe = new_file(c, w)
    d = draft(c, w, "alice", f, subject="Subject\r\nBcc: spy2@example.org", addressees=[evil]).json()
    c.put(drafts_url(w, f) + "/%s/document" % d["id"], params={"filename": "letter.pdf"}, content=PDF,
          headers=h(c, w, "alice", **{"content-type": "application/pdf"}))
    f, fe = move(c, w, "alice", f, fe, action="forward", to=w["carol"])
    assert approve(c, w, "carol", f, d, '"2"').status_code == 201
    before = len(w["sink"].messages)
    x = issue(c, w, "clerk", d).json()["items"][0]
    assert wait_for(c, w, x, lambda y: y["status"] == "sent")["status"] == "sent"
    sender, rcpts, data = w["sink"].wait(before + 1)[-1]
    assert rcpts == ["<desk@example.gov.in>"]
    msg = email.message_from_bytes(data)
    assert msg["Bcc"] is None and msg["X-Injected"] is None and b"spy" not in data
