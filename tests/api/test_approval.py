"""e-File approval: officers' signing certificates, detached CMS signatures on notes, approve / reject,
and the whole journey of a file over HTTP/2."""
import datetime
import time

import httpx

from conftest import assert_problem
from pki import CA
from test_files import PDF, c, create, docs_url, files_url, h, move, notes_url, w  # noqa: F401 (fixtures)

CERTS = "/v1/me/certificates"


def days_ago(k):
    return datetime.datetime.utcnow() - datetime.timedelta(days=k)


def sig_url(w, f, n):
    return notes_url(w, f) + "/%d/signature" % n


def register(c, w, who, signer):
    return c.post(CERTS, headers=h(c, w, who), json=signer.registration(w[who]))


def note(c, w, who, f, text):
    r = c.post(notes_url(w, f), headers=h(c, w, who), json={"body": text})
    assert r.status_code == 201, r.text
    return r.json()


def test_the_whole_journey_over_http2_with_a_signed_approval(w):
    """create, note, attach a PDF, forward twice, return, forward, approve with a valid CMS signature, close."""
    carol_key = w["ca"].issue("Carol Sharma, Deputy Secretary")
    with httpx.Client(base_url=w["server"].url, http1=False, http2=True, timeout=20) as c2:
        f, etag = create(c2, w, "alice", subject="Purchase of e-Office scanners", priority="immediate")
        note(c2, w, "alice", f, "Para 1: 40 scanners are needed for the sections; quotations are placed below.")
        r = c2.post(docs_url(w, f), params={"filename": "quotation.pdf"}, content=PDF,
                    headers=dict(h(c2, w, "alice"), **{"content-type": "application/pdf"}))
        assert r.status_code == 201 and r.http_version == "HTTP/2", r.text
        assert register(c2, w, "carol", carol_key).status_code == 201
        steps = [("alice", dict(action="forward", to=w["bob"], remarks="For examination")),
                 ("bob", dict(action="forward", to=w["carol"], remarks="Put up for approval")),
                 ("carol", dict(action="return", remarks="Attach the rate contract")),
                 ("bob", dict(action="forward", to=w["carol"], remarks="Rate contract attached"))]
        for who, body in steps:
            r = move(c2, w, who, f, etag, **body)
            assert r.status_code == 201, (who, body, r.text)
            f, etag = r.json(), r.headers["etag"]
        n = note(c2, w, "carol", f, "Approved. Proceed with the purchase under the rate contract.")
        r = c2.put(sig_url(w, f, n["n"]), headers=h(c2, w, "carol"), json={"signature": carol_key.sign(n["hash"])})
        assert r.status_code == 201, r.text
        assert r.json()["signer"] == w["carol"] and "Carol Sharma" in r.json()["subject"]
        r = move(c2, w, "carol", f, etag, action="approve", remarks="Approved")
        assert r.status_code == 201, r.text
        f, etag = r.json(), r.headers["etag"]
        assert f["decision"] == "approved" and f["decided_by"] == w["carol"]
        r = move(c2, w, "carol", f, etag, action="close", remarks="Supply order issued")
        assert r.status_code == 201, r.text
        assert r.json()["status"] == "closed"
        track = c2.get(files_url(w) + "/%s/movements" % f["id"], headers=h(c2, w, "alice")).json()["items"]
        assert [(m["action"], m["from"], m["to"]) for m in track] == [
            ("create", w["alice"], w["alice"]), ("forward", w["alice"], w["bob"]), ("forward", w["bob"], w["carol"]),
            ("return", w["carol"], w["bob"]), ("forward", w["bob"], w["carol"]), ("approve", w["carol"], w["carol"]),
            ("close", w["carol"], w["carol"])]
        assert all(m["at"] for m in track) and all(track[i]["until"] == track[i + 1]["at"] for i in range(len(track) - 1))
        # the signature shows signer, time and validity, and verifies again
        shown = c2.get(sig_url(w, f, n["n"]), headers=h(c2, w, "alice")).json()
        assert shown["valid"] is True and shown["problem"] is None and shown["certificate_valid_now"] is True
        assert shown["signer"] == w["carol"] and shown["hash"] == n["hash"] and shown["signing_time"]
        assert shown["certificate_valid_until"].endswith("Z")
        notes = c2.get(notes_url(w, f), headers=h(c2, w, "alice")).json()["items"]
        assert notes[-1]["signature"]["signer"] == w["carol"] and all(x["status"] == "final" for x in notes)
        assert c2.get(notes_url(w, f) + "/verify", headers=h(c2, w, "alice")).json()["ok"] is True


def test_certificates_are_checked_when_registered(c, w):
    good = w["ca"].issue("Bob Kumar")
    r = register(c, w, "bob", good)
    assert r.status_code == 201, r.text
    assert r.json()["subject"].startswith("CN=Bob Kumar") and len(r.json()["fingerprint"]) == 64
    assert register(c, w, "bob", good).status_code == 201  # again: the same, once
    assert len(c.get(CERTS, headers=h(c, w, "bob")).json()["items"]) == 1
    assert_problem(register(c, w, "alice", good), 409)  # it is bob's
    assert "expired" in assert_problem(
        register(c, w, "bob", w["ca"].issue("Old", not_before=days_ago(3), not_after=days_ago(1))), 422)["detail"]
    assert "trusts" in assert_problem(register(c, w, "bob", CA("Rogue CA").issue("Bob Kumar")), 422)["detail"]
    for junk in ("not a certificate", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", "TUlJQg=="):
        assert_problem(c.post(CERTS, headers=h(c, w, "bob"), json={"certificate": junk, "proof": "AAAA"}), 422)
    assert_problem(c.post(CERTS, headers=h(c, w, "bob"), json={"certificate": 5}), 400)
    assert len(c.get(CERTS, headers=h(c, w, "alice")).json()["items"]) == 0


def test_signatures_refused_clearly(c, w):
    registered, other = w["ca"].issue("Dave Rao"), w["ca"].issue("Dave Rao (other token)")
    short = w["ca"].issue("Dave Rao (expiring)", seconds=3)
    assert register(c, w, "dave", registered).status_code == 201
    assert register(c, w, "dave", short).status_code == 201
    f, _ = create(c, w, "dave")
    n = note(c, w, "dave", f, "Para 1: for orders.")
    url = sig_url(w, f, n["n"])
    d = assert_problem(c.put(url, headers=h(c, w, "dave"), json={"signature": other.sign(n["hash"])}), 422)
    assert "not made with a certificate you registered" in d["detail"]
    d = assert_problem(c.put(url, headers=h(c, w, "dave"), json={"signature": registered.sign(n["hash"] + "x")}), 422)
    assert "does not match" in d["detail"]
    d = assert_problem(c.put(url, headers=h(c, w, "dave"), json={"signature": registered.sign(b"other bytes")}), 422)
    assert "does not match" in d["detail"]
    assert_problem(c.put(url, headers=h(c, w, "dave"), json={"signature": "%%%"}), 400)
    assert_problem(c.put(url, headers=h(c, w, "dave"), json={"signature": "AAAA"}), 422)
    time.sleep(4)
    d = assert_problem(c.put(url, headers=h(c, w, "dave"), json={"signature": short.sign(n["hash"])}), 422)
    assert "expired" in d["detail"]
    # nothing was stored, the note is still a draft
    assert c.get(notes_url(w, f), headers=h(c, w, "dave")).json()["items"][0]["status"] == "draft"
    assert_problem(c.get(url, headers=h(c, w, "dave")), 404)
    # a note edited after its hash was read: the old signature no longer fits
    sig = registered.sign(n["hash"])
    c.patch(notes_url(w, f) + "/1", headers=h(c, w, "dave"), json={"body": "Para 1: for orders, please."})
    assert_problem(c.put(url, headers=h(c, w, "dave"), json={"signature": sig}), 422)
    n = c.get(notes_url(w, f), headers=h(c, w, "dave")).json()["items"][0]
    r = c.put(url, headers=h(c, w, "dave"), json={"signature": registered.sign(n["hash"])})
    assert r.status_code == 201, r.text
    assert_problem(c.put(url, headers=h(c, w, "dave"), json={"signature": registered.sign(n["hash"])}), 409)
    assert_problem(c.patch(notes_url(w, f) + "/1", headers=h(c, w, "dave"), json={"body": "changed"}), 409)


def test_signature_routes_are_object_level(c, w):
    key = w["ca"].issue("Alice Iyer")
    register(c, w, "alice", key)
    f, etag = create(c, w, "alice")
    n = note(c, w, "alice", f, "Para 1.")
    c.put(sig_url(w, f, 1), headers=h(c, w, "alice"), json={"signature": key.sign(n["hash"])})
    for who, status in (("dave", 404), ("eve", 403)):
        assert_problem(c.get(sig_url(w, f, 1), headers=h(c, w, who)), status)
        assert_problem(c.put(sig_url(w, f, 1), headers=h(c, w, who), json={"signature": key.sign(n["hash"])}), status)
    # a holder who is not the author cannot sign someone else's note
    move(c, w, "alice", f, etag, action="forward", to=w["bob"])
    bob_key = w["ca"].issue("Bob Kumar 2")
    register(c, w, "bob", bob_key)
    n2 = c.get(notes_url(w, f), headers=h(c, w, "bob")).json()["items"][0]
    assert n2["signature"]["signer"] == w["alice"]
    assert_problem(c.put(sig_url(w, f, 1), headers=h(c, w, "bob"), json={"signature": bob_key.sign(n2["hash"])}), 403)


def test_approve_needs_the_approvers_signed_note_and_reject_needs_remarks(c, w):
    key = w["ca"].issue("Carol Sharma (2)")
    register(c, w, "carol", key)
    f, etag = create(c, w, "alice")
    f, etag = (lambda r: (r.json(), r.headers["etag"]))(move(c, w, "alice", f, etag, action="forward", to=w["carol"]))
    d = assert_problem(move(c, w, "carol", f, etag, action="approve"), 422)
    assert "signed note" in d["detail"]
    n = note(c, w, "carol", f, "Approved.")
    assert_problem(move(c, w, "carol", f, etag, action="approve"), 422)  # written but not signed
    assert_problem(move(c, w, "alice", f, etag, action="approve"), 403)  # not the holder
    assert_problem(move(c, w, "carol", f, etag, action="reject"), 422)
    c.put(sig_url(w, f, n["n"]), headers=h(c, w, "carol"), json={"signature": key.sign(n["hash"])})
    r = move(c, w, "carol", f, etag, action="approve")
    assert r.status_code == 201 and r.json()["decision"] == "approved", r.text
    # final: reversing needs a signed note written after the decision (test_sec_approval)
    assert_problem(move(c, w, "carol", f, r.headers["etag"], action="reject", remarks="On second thoughts"), 422)
    assert_problem(move(c, w, "carol", f, '"1"', action="reject", remarks="stale"), 412)


def test_holder_edits_the_file_with_if_match(c, w):
    f, etag = create(c, w, "alice", subject="Old subject")
    url = files_url(w) + "/" + f["id"]
    assert_problem(c.patch(url, headers=h(c, w, "alice"), json={"subject": "New"}), 428)
    r = c.patch(url, headers=dict(h(c, w, "alice"), **{"If-Match": etag}),
                json={"subject": "नया विषय", "priority": "most_immediate"})
    assert r.status_code == 200, r.text
    assert r.json()["subject"] == "नया विषय" and r.json()["priority"] == "most_immediate" and r.json()["category"] == ""
    assert_problem(c.patch(url, headers=dict(h(c, w, "alice"), **{"If-Match": etag}), json={"subject": "x"}), 412)
    new = r.headers["etag"]
    assert_problem(c.patch(url, headers=dict(h(c, w, "alice"), **{"If-Match": new}), json={}), 400)
    assert_problem(c.patch(url, headers=dict(h(c, w, "alice"), **{"If-Match": new}), json={"priority": "urgent"}), 400)
    assert_problem(c.patch(url, headers=dict(h(c, w, "alice"), **{"If-Match": new}), json={"holder": "x"}), 400)
    assert_problem(c.patch(url, headers=dict(h(c, w, "dave"), **{"If-Match": new}), json={"subject": "x"}), 404)
    assert_problem(c.patch(url, headers=dict(h(c, w, "eve"), **{"If-Match": new}), json={"subject": "x"}), 403)
    assert c.get(url, headers=h(c, w, "alice")).json()["subject"] == "नया विषय"
