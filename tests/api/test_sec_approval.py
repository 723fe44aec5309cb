"""Decisions on files need authority and are final (security review item 6).

Before: a plain officer approved their own proposal (signed note, decided_by = created_by), and a
later plain holder rejected a signed approval with no signature. Now approve and reject need the
approving role (section_officer or dept_admin), never by the proposer (who opened the file or wrote
its proposal, the first note); a decision is final unless the opposite one is taken by a competent
officer with a signed note written after it, and the track shows both.
"""
import datetime
from zoneinfo import ZoneInfo

from conftest import assert_problem
from test_auth import Officers
from test_files import c, create, files_url, h, move, notes_url, w  # noqa: F401 (fixtures)

CERTS = "/v1/me/certificates"


def signed_note(c, w, who, f, text):
    key = w.setdefault("keys", {}).get(who)
    if key is None:
        key = w["keys"][who] = w["ca"].issue("Signer %s" % who)
        r = c.post(CERTS, headers=h(c, w, who), json=key.registration(w[who]))
        assert r.status_code == 201, r.text
    r = c.post(notes_url(w, f), headers=h(c, w, who), json={"body": text})
    assert r.status_code == 201, r.text
    n = r.json()
    r = c.put(notes_url(w, f) + "/%d/signature" % n["n"], headers=h(c, w, who), json={"signature": key.sign(n["hash"])})
    assert r.status_code in (200, 201), r.text
    return n


def fwd(c, w, who, f, etag, to):
    r = move(c, w, who, f, etag, action="forward", to=w[to])
    assert r.status_code == 201, r.text
    return r.json(), r.headers["etag"]


def test_a_plain_officer_cannot_approve_even_with_a_signed_note(c, w):
    f, etag = create(c, w, "alice", subject="My own proposal")
    signed_note(c, w, "alice", f, "I propose and approve.")
    assert_problem(move(c, w, "alice", f, etag, action="approve"), 403)
    assert_problem(move(c, w, "alice", f, etag, action="reject", remarks="no"), 403)
    assert c.get(files_url(w) + "/" + f["id"], headers=h(c, w, "alice")).json()["decision"] is None


def test_nobody_decides_a_file_they_opened(c, w):
    f, etag = create(c, w, "carol", subject="The section officer's own proposal")
    signed_note(c, w, "carol", f, "Approved by myself.")
    d = assert_problem(move(c, w, "carol", f, etag, action="approve"), 403)
    assert "opened" in d["detail"]


def test_a_decision_is_final_unless_reversed_by_a_competent_signed_note(c, w, db, tmp_path):
    if "sec2" not in w:
        w["sec2"] = Officers(db, str(tmp_path)).add(w["a"], "officer,section_officer")[0]
    f, etag = create(c, w, "alice", subject="Purchase of laptops")
    f, etag = fwd(c, w, "alice", f, etag, "carol")
    signed_note(c, w, "carol", f, "Approved.")
    r = move(c, w, "carol", f, etag, action="approve")
    assert r.status_code == 201, r.text
    etag = r.headers["etag"]
    assert_problem(move(c, w, "carol", f, etag, action="approve"), 409)  # the same decision again
    f, etag = fwd(c, w, "carol", f, etag, "dave")
    # a later plain holder, no signature: refused (before: 201, the approval overturned)
    assert_problem(move(c, w, "dave", f, etag, action="reject", remarks="Budget exhausted"), 403)
    f, etag = fwd(c, w, "dave", f, etag, "sec2")
    # competent, but without a signed note written after the decision
    assert_problem(move(c, w, "sec2", f, etag, action="reject", remarks="Budget exhausted"), 422)
    n = signed_note(c, w, "sec2", f, "The budget head is exhausted; the approval cannot stand.")
    r = move(c, w, "sec2", f, etag, action="reject", remarks="Budget exhausted")
    assert r.status_code == 201, r.text
    assert r.json()["decision"] == "rejected" and r.json()["decided_by"] == w["sec2"]
    track = c.get(files_url(w) + "/%s/movements" % f["id"], headers=h(c, w, "sec2")).json()["items"]
    approve = [m for m in track if m["action"] == "approve"][0]
    reject = [m for m in track if m["action"] == "reject"][0]
    assert approve["from"] == w["carol"] and approve["note"] is not None and approve["reverses"] is None
    assert reject["from"] == w["sec2"] and reject["note"] == n["n"] and reject["reverses"] == approve["seq"]


def test_nobody_decides_a_proposal_they_wrote(c, w, db, tmp_path):
    """The author of the proposal (the file's first note) never decides it, even on a file someone
    else opened: before, a section officer who was merely sent a file wrote the proposal, signed an
    "Approved" note under it and approved it."""
    if "sec2" not in w:
        w["sec2"] = Officers(db, str(tmp_path)).add(w["a"], "officer,section_officer")[0]
    f, etag = create(c, w, "alice", subject="Hiring of vehicles")
    f, etag = fwd(c, w, "alice", f, etag, "carol")
    r = c.post(notes_url(w, f), headers=h(c, w, "carol"), json={"body": "Para 1: propose to hire 6 vehicles."})
    assert r.status_code == 201, r.text
    f, etag = fwd(c, w, "carol", f, etag, "dave")
    r = c.post(notes_url(w, f), headers=h(c, w, "dave"), json={"body": "Seen. Rates verified."})
    assert r.status_code == 201, r.text
    f, etag = fwd(c, w, "dave", f, etag, "carol")
    signed_note(c, w, "carol", f, "Approved.")
    d = assert_problem(move(c, w, "carol", f, etag, action="approve"), 403)
    assert "proposal" in d["detail"]
    assert_problem(move(c, w, "carol", f, etag, action="reject", remarks="Withdrawn"), 403)
    # another competent officer decides it
    f, etag = fwd(c, w, "carol", f, etag, "sec2")
    signed_note(c, w, "sec2", f, "Approved.")
    r = move(c, w, "sec2", f, etag, action="approve")
    assert r.status_code == 201 and r.json()["decided_by"] == w["sec2"], r.text
    etag = r.headers["etag"]
    # nor does the proposer reverse the decision later, signed note or not
    f, etag = fwd(c, w, "sec2", f, etag, "carol")
    signed_note(c, w, "carol", f, "On review, the hiring is not needed.")
    assert_problem(move(c, w, "carol", f, etag, action="reject", remarks="Not needed"), 403)


# ------------------------------------------------------------------ delegation of the power to decide

def deleg_url(w):
    return "/v1/departments/%s/delegations" % w["a"]


def today(k=0):
    return (datetime.datetime.now(ZoneInfo("Asia/Kolkata")).date() + datetime.timedelta(days=k)).isoformat()


def delegate(c, w, who, to, **body):
    body.setdefault("valid_until", today(7))
    body.setdefault("reason", "On leave")
    return c.post(deleg_url(w), headers=h(c, w, who), json=dict(body, delegate=w[to] if to in w else to))


def test_a_delegation_lends_the_power_to_decide_and_the_track_says_whose(c, w, db, tmp_path):
    off = Officers(db, str(tmp_path))
    boss, junior = off.add(w["a"], "officer,section_officer")[0], off.add(w["a"], "officer")[0]
    w["boss6"], w["junior6"] = boss, junior
    assert_problem(delegate(c, w, "alice", "dave"), 403)           # a plain officer has nothing to lend
    assert_problem(delegate(c, w, "boss6", "boss6"), 422)          # nor to oneself
    assert_problem(delegate(c, w, "boss6", w["eve"]), 422)         # only to an officer of the department
    assert_problem(delegate(c, w, "boss6", "junior6", valid_until=today(-1)), 422)
    assert_problem(delegate(c, w, "boss6", "junior6", valid_until=today(91)), 422)  # at most 90 days
    r = delegate(c, w, "boss6", "junior6")
    assert r.status_code == 201, r.text
    d = r.json()
    assert d["delegator"] == boss and d["delegate"] == junior and d["active"] is True and d["revoked_at"] is None
    assert_problem(delegate(c, w, "junior6", "dave"), 403)         # what is lent is not lent on
    assert [x["id"] for x in c.get(deleg_url(w), headers=h(c, w, "junior6")).json()["items"]] == [d["id"]]
    assert c.get(deleg_url(w), headers=h(c, w, "bob")).json()["items"] == []
    # the delegate decides a file someone else proposed; the track names the delegator
    f, etag = create(c, w, "alice", subject="Repair of the record room")
    r = c.post(notes_url(w, f), headers=h(c, w, "alice"), json={"body": "Para 1: the roof leaks."})
    assert r.status_code == 201, r.text
    f, etag = fwd(c, w, "alice", f, etag, "junior6")
    signed_note(c, w, "junior6", f, "Approved, under the delegation of the section officer.")
    r = move(c, w, "junior6", f, etag, action="approve")
    assert r.status_code == 201 and r.json()["decided_by"] == junior, r.text
    track = c.get(files_url(w) + "/%s/movements" % f["id"], headers=h(c, w, "junior6")).json()["items"]
    assert [m["on_behalf_of"] for m in track if m["action"] == "approve"] == [boss]
    assert all(m["on_behalf_of"] is None for m in track if m["action"] != "approve")
    # revoked: by the delegator (nobody else), once; the delegate decides nothing more
    assert_problem(c.post(deleg_url(w) + "/%s/revoke" % d["id"], headers=h(c, w, "bob")), 404)
    assert_problem(c.post(deleg_url(w) + "/%s/revoke" % d["id"], headers=h(c, w, "junior6")), 403)
    r = c.post(deleg_url(w) + "/%s/revoke" % d["id"], headers=h(c, w, "boss6"))
    assert r.status_code == 200 and r.json()["active"] is False and r.json()["revoked_by"] == boss, r.text
    assert_problem(c.post(deleg_url(w) + "/%s/revoke" % d["id"], headers=h(c, w, "boss6")), 409)
    f, etag = create(c, w, "alice", subject="Repair of the lift")
    r = c.post(notes_url(w, f), headers=h(c, w, "alice"), json={"body": "Para 1: the lift is stuck."})
    f, etag = fwd(c, w, "alice", f, etag, "junior6")
    signed_note(c, w, "junior6", f, "Approved.")
    assert_problem(move(c, w, "junior6", f, etag, action="approve"), 403)


def test_a_delegation_never_decides_the_delegators_own_proposal_and_lapses_with_the_role(c, w, db, tmp_path):
    off = Officers(db, str(tmp_path))
    boss, junior = off.add(w["a"], "officer,section_officer")[0], off.add(w["a"], "officer")[0]
    w["boss7"], w["junior7"] = boss, junior
    r = delegate(c, w, "boss7", "junior7", valid_from=today(), valid_until=today(30))
    assert r.status_code == 201, r.text
    # the delegator's own file, decided by the one they lent their power to: refused
    f, etag = create(c, w, "boss7", subject="The section officer's own proposal")
    f, etag = fwd(c, w, "boss7", f, etag, "junior7")
    signed_note(c, w, "junior7", f, "Approved.")
    d = assert_problem(move(c, w, "junior7", f, etag, action="approve"), 403)
    assert "delegat" in d["detail"]
    # someone else's file, but the delegator no longer holds the approving role: the delegation lapses
    g, getag = create(c, w, "alice", subject="Purchase of chairs")
    c.post(notes_url(w, g), headers=h(c, w, "alice"), json={"body": "Para 1: 12 chairs."})
    g, getag = fwd(c, w, "alice", g, getag, "junior7")
    signed_note(c, w, "junior7", g, "Approved.")
    db.cli("officer", "grant", boss, "--dept", w["a"], "--role", "officer")
    assert_problem(move(c, w, "junior7", g, getag, action="approve"), 403)
    assert c.get(deleg_url(w), headers=h(c, w, "junior7")).json()["items"][0]["active"] is False
    # a delegation that starts later lends nothing yet
    r = delegate(c, w, "carol", "junior7", valid_from=today(2), valid_until=today(9))
    assert r.status_code == 201 and r.json()["active"] is False, r.text
    assert_problem(move(c, w, "junior7", g, getag, action="approve"), 403)
