"""Hand-over (issue 27): a leaving officer's pending files and receipts move in one audited step to the
successor the section officer names, confidential ones too; nothing is left pending with the old officer."""
from conftest import assert_problem
from test_files import TRUSTED, c, client, create, files_url, h, move, notes_url, otp_token, w  # noqa: F401
from test_receipts import receipts_url, register


def handover(c, w, who, **body):
    return c.post("/v1/departments/%s/handovers" % w["a"], headers=h(c, w, who), json=body)


def test_a_handover_leaves_nothing_pending_with_the_old_officer(c, w, db):
    # dave: two open files (one with a draft note), one parked, one closed; a receipt held, one filed
    f1, _ = create(c, w, "dave", subject="Dave's open file")
    c.post(notes_url(w, f1), headers=h(c, w, "dave"), json={"body": "half-written draft"})
    f2, _ = create(c, w, "dave", subject="Dave's second file")
    f3, e3 = create(c, w, "dave", subject="Dave's parked file")
    assert move(c, w, "dave", f3, e3, action="park").status_code == 201
    x = register(c, w, "dave", subject="Dave's receipt").json()
    # refused: not a section officer; to himself; to an officer of another department or not cleared
    assert_problem(handover(c, w, "alice", to=w["bob"], reason="transfer", **{"from": w["dave"]}), 403)
    assert_problem(handover(c, w, "carol", to=w["dave"], reason="transfer", **{"from": w["dave"]}), 422)
    assert_problem(handover(c, w, "carol", to=w["eve"], reason="transfer", **{"from": w["dave"]}), 422)
    assert_problem(handover(c, w, "carol", to=w["low"], reason="transfer", **{"from": w["dave"]}), 422)
    assert_problem(handover(c, w, "carol", to=w["bob"], reason="holiday", **{"from": w["dave"]}), 400)
    body = {"from": w["dave"], "to": w["bob"], "reason": "transfer", "remarks": "Posted out"}
    keyed = dict(h(c, w, "carol"), **{"Idempotency-Key": "handover-dave"})
    r = c.post("/v1/departments/%s/handovers" % w["a"], headers=keyed, json=body)
    assert r.status_code == 201, r.text
    out = r.json()
    again = c.post("/v1/departments/%s/handovers" % w["a"], headers=keyed, json=body)  # a lost answer, retried
    assert again.headers["idempotent-replayed"] == "true" and again.json() == out
    assert {f["id"] for f in out["files"]} == {f1["id"], f2["id"], f3["id"]}
    assert [y["id"] for y in out["receipts"]] == [x["id"]] and out["ordered_by"] == w["carol"]
    # nothing pending with dave: no file held that is not closed, no receipt held that is not filed
    left = db.psql("SELECT (SELECT count(*) FROM dept_{0}.files WHERE holder = '{1}' AND status <> 'closed') || '/' || "
                   "(SELECT count(*) FROM dept_{0}.receipts WHERE holder = '{1}' AND file_id IS NULL)"
                   .format(w["a"], w["dave"])).stdout.strip()
    assert left == "0/0"
    mine = c.get("/v1/departments/%s/reports/pendency" % w["a"], headers=h(c, w, "dave")).json()["items"]
    assert all(i["files_held"] == 0 for i in mine if i["officer"] == w["dave"])
    # bob holds them, acts on them; the tracks say who handed over for whom; dave's draft became final
    got = c.get(files_url(w) + "/" + f1["id"], headers=h(c, w, "bob"))
    assert got.status_code == 200 and got.json()["holder"] == w["bob"]
    track = c.get(files_url(w) + "/%s/movements" % f1["id"], headers=h(c, w, "bob")).json()["items"]
    assert (track[-1]["action"], track[-1]["from"], track[-1]["to"], track[-1]["on_behalf_of"]) == (
        "handover", w["carol"], w["bob"], w["dave"])
    assert [n["status"] for n in c.get(notes_url(w, f1), headers=h(c, w, "bob")).json()["items"]] == ["final"]
    # bob's inbox says the files came by hand-over, from the section officer, for dave, not yet opened by him
    inbox = {i["id"]: i for i in c.get(files_url(w) + "?box=inbox", headers=h(c, w, "bob")).json()["items"]}
    got2 = inbox[f2["id"]].get("received")
    assert got2 is not None and (got2["action"], got2["from"], got2["on_behalf_of"], got2["opened"]) == (
        "handover", w["carol"], w["dave"], False), inbox[f2["id"]]
    assert move(c, w, "bob", f1, got.headers["etag"], action="forward", to=w["alice"]).status_code == 201
    rt = c.get(receipts_url(w) + "/%s/movements" % x["id"], headers=h(c, w, "bob")).json()["items"]
    assert (rt[-1]["action"], rt[-1]["to"], rt[-1]["on_behalf_of"]) == ("handover", w["bob"], w["dave"])
    # audited, and listed
    ev = db.psql("SELECT detail FROM dept_%s.audit_events WHERE action = 'handover' ORDER BY seq DESC LIMIT 1" % w["a"]).stdout
    assert '"files" : 3' in ev and '"receipts" : 1' in ev, ev
    listed = c.get("/v1/departments/%s/handovers" % w["a"], headers=h(c, w, "dave")).json()["items"]
    assert listed[0]["from"] == w["dave"] and listed[0]["files"] == 3
    assert c.get("/v1/departments/%s/handovers" % w["a"], headers=h(c, w, "low")).json()["items"] == []


def test_confidential_work_needs_a_cleared_successor_and_moves_all_or_nothing(w, db):
    with client(w, TRUSTED) as t:
        ho = otp_token(t, w, "conf")
        r = t.post(files_url(w), headers=ho, json={"subject": "Vigilance", "section": "VIG", "classification": "confidential"})
        assert r.status_code == 201, r.text
        conf_file = r.json()
        plain = t.post(files_url(w), headers=ho, json={"subject": "Plain", "section": "VIG"}).json()
        # bob is cleared for restricted only: nothing moves
        r = handover(t, w, "carol", to=w["bob"], reason="leave", **{"from": w["conf"]})
        assert_problem(r, 422, "receiver-not-cleared")
        held = db.psql("SELECT count(*) FROM dept_%s.files WHERE holder = '%s' AND id IN ('%s', '%s')"
                       % (w["a"], w["conf"], conf_file["id"], plain["id"])).stdout.strip()
        assert held == "2"
        # the section officer cannot see the confidential file, and still hands it over to a cleared successor
        r = handover(t, w, "carol", to=w["conf2"], reason="leave", **{"from": w["conf"]})
        assert r.status_code == 201, r.text
        assert {f["id"] for f in r.json()["files"]} >= {conf_file["id"], plain["id"]}
    assert db.psql("SELECT holder FROM dept_%s.files WHERE id = '%s'" % (w["a"], conf_file["id"])).stdout.strip() == w["conf2"]
