"""Dak that moves (issue 27): a receipt marked to an officer with copies before it is filed, shown in the
inbox beside files, its track kept like a file's, the register searched; and the database's own refusal
(row-level security on receipts, their track and access rows) for a statement that forgot the rule."""
import threading

from conftest import assert_problem
from test_files import TRUSTED, c, client, create, h, move, otp_token, w  # noqa: F401 (fixtures)
from test_receipts import receipts_url, register


def mark(c, w, who, x, etag, **body):
    return c.post(receipts_url(w) + "/%s/movements" % x["id"], headers=dict(h(c, w, who), **{"If-Match": etag}),
                  json=body)


def inbox(c, w, who):
    r = c.get("/v1/departments/%s/inbox" % w["a"], headers=h(c, w, who))
    assert r.status_code == 200, r.text
    return r.json()["items"]


def test_dak_marked_with_copies_moves_and_shows_in_the_inbox_beside_files(c, w):
    r = register(c, w, "dave", subject="सड़क मरम्मत हेतु अनुदान", sender="Collector, Kota")
    x, etag = r.json(), r.headers["etag"]
    assert x["holder"] == w["dave"] and x["status"] == "registered" and etag == '"1"'
    f, _ = create(c, w, "bob", subject="Bob's own file")
    # marking needs If-Match and goes to a cleared member of the department only
    assert_problem(c.post(receipts_url(w) + "/%s/movements" % x["id"], headers=h(c, w, "dave"), json={"to": w["bob"]}), 428)
    assert_problem(mark(c, w, "dave", x, '"7"', to=w["bob"]), 412)
    assert_problem(mark(c, w, "dave", x, etag, to=w["eve"]), 422, "receiver-not-cleared")
    assert_problem(mark(c, w, "dave", x, etag, to=w["dave"]), 422, "forward-to-self")
    assert_problem(mark(c, w, "dave", x, etag, to=w["bob"], copies=["123"]), 400)
    # bob does not see it yet, anywhere
    assert_problem(c.get(receipts_url(w) + "/" + x["id"], headers=h(c, w, "bob")), 404)
    r = mark(c, w, "dave", x, etag, to=w["bob"], copies=[w["alice"]], remarks="कृपया देखें")
    assert r.status_code == 201, r.text
    x, etag = r.json(), r.headers["etag"]
    assert x["holder"] == w["bob"] and x["status"] == "marked" and etag == '"2"'
    # bob's inbox: his file and the receipt side by side; alice's: the receipt as a copy
    bob = {(i["kind"], (i.get("file") or i.get("receipt"))["id"]): i["copy"] for i in inbox(c, w, "bob")}
    assert bob[("receipt", x["id"])] is False and ("file", f["id"]) in bob
    alice = {i["receipt"]["id"]: i["copy"] for i in inbox(c, w, "alice") if i["kind"] == "receipt"}
    assert alice[x["id"]] is True
    assert x["id"] not in [i.get("receipt", {}).get("id") for i in inbox(c, w, "carol")]
    # only the main receiver acts: not the copy, not the registrar who marked it away
    assert_problem(mark(c, w, "alice", x, etag, to=w["carol"]), 403, "not-the-receiver")
    assert_problem(mark(c, w, "dave", x, etag, to=w["carol"]), 403, "not-the-receiver")
    r = mark(c, w, "bob", x, etag, to=w["carol"], remarks="Put up")
    assert r.status_code == 201, r.text
    x, etag = r.json(), r.headers["etag"]
    # carol files it into a file she holds; the track ends with the filing, as a file's would
    g, _ = create(c, w, "carol", subject="Road repairs")
    assert_problem(c.post(receipts_url(w) + "/%s/file" % x["id"], headers=h(c, w, "bob"), json={"file_id": g["id"]}), 403)
    r = c.post(receipts_url(w) + "/%s/file" % x["id"], headers=h(c, w, "carol"), json={"file_id": g["id"]})
    assert r.status_code == 200 and r.json()["status"] == "filed", r.text
    assert_problem(mark(c, w, "carol", x, r.headers["etag"], to=w["bob"]), 409, "receipt-filed-already")
    t = c.get(receipts_url(w) + "/%s/movements" % x["id"], headers=h(c, w, "alice"))
    assert t.status_code == 200, t.text
    track = t.json()
    assert [(m["action"], m["from"], m["to"], m["copies"]) for m in track["items"]] == [
        ("register", w["dave"], w["dave"], []), ("mark", w["dave"], w["bob"], [w["alice"]]),
        ("mark", w["bob"], w["carol"], []), ("file", w["carol"], w["carol"], [])]
    assert track["items"][1]["remarks"] == "कृपया देखें" and track["items"][0]["until"] == track["items"][1]["at"]
    assert set(track["officers"]) >= {w["dave"], w["bob"], w["alice"], w["carol"]}
    # out of everyone's inbox once filed; the file is in carol's
    assert x["id"] not in [i.get("receipt", {}).get("id") for i in inbox(c, w, "carol") + inbox(c, w, "alice")]
    # an officer outside it sees neither the receipt nor its track
    assert_problem(c.get(receipts_url(w) + "/%s/movements" % x["id"], headers=h(c, w, "low")), 404)
    assert_problem(c.get(receipts_url(w) + "/%s/movements" % x["id"], headers=h(c, w, "eve")), 403)


def test_reading_a_confidential_receipts_track_is_audited(c, w, db):
    """Reading a confidential receipt is audited (receipt.read); reading its track says as much (who marked it
    to whom, the remarks), so it is audited too (receipt.track, as a file's is file.track); an open one's is not."""
    reads = lambda x: db.psql("SELECT count(*) FROM dept_%s.audit_events WHERE action = 'receipt.track' AND object_id = '%s'"  # noqa: E731
                              % (w["a"], x["id"])).stdout.strip()
    with client(w, TRUSTED) as t:
        ho = otp_token(t, w, "conf")
        x = register(t, w, "conf", auth=ho, classification="confidential", subject="Vigilance: who moved it")
        assert x.status_code == 201, x.text
        x = x.json()
        r = t.get(receipts_url(w) + "/%s/movements" % x["id"], headers=ho)
        assert r.status_code == 200 and [m["action"] for m in r.json()["items"]] == ["register"], r.text
        assert reads(x) == "1", "reading a confidential receipt's track was not audited"
    y = register(c, w, "dave", subject="Open letter").json()
    assert c.get(receipts_url(w) + "/%s/movements" % y["id"], headers=h(c, w, "dave")).status_code == 200
    assert reads(y) == "0"


def test_two_concurrent_marks_with_the_same_etag_exactly_one_wins(c, w):
    r = register(c, w, "dave", subject="Race")
    x, etag = r.json(), r.headers["etag"]
    out = []
    ts = [threading.Thread(target=lambda who: out.append(mark(c, w, "dave", x, etag, to=w[who]).status_code), args=(n,))
          for n in ("bob", "carol")]
    [t.start() for t in ts]
    [t.join() for t in ts]
    assert sorted(out) == [201, 412]


def test_register_found_by_search(c, w):
    sfx = w["a"]
    a = register(c, w, "rec", subject="जल आपूर्ति योजना %s" % sfx, sender="Municipal Board, Ajmer",
                 letter_number="MB/77/%s" % sfx, letter_date="2026-02-01", received_on="2026-02-03", mode="hand").json()
    b = register(c, w, "rec", subject="Water supply scheme %s" % sfx, sender="Tehsildar, Beawar",
                 letter_number="T/9/%s" % sfx, letter_date="2026-03-01", received_on="2026-03-04", mode="email").json()

    def found(**q):
        r = c.get(receipts_url(w), params=q, headers=h(c, w, "rec"))
        assert r.status_code == 200, (q, r.text)
        return {y["id"] for y in r.json()["items"]} & {a["id"], b["id"]}

    assert found(q="जल आपूर्ति") == {a["id"]}
    assert found(q="WATER SUPPLY") == {b["id"]}
    assert found(sender="ajmer") == {a["id"]} and found(letter_number="t/9/") == {b["id"]}
    assert found(number=a["receipt_number"]) == {a["id"]}
    assert found(letter_date="2026-03-01") == {b["id"]} and found(mode="hand") == {a["id"]}
    assert found(**{"from": "2026-03-01", "to": "2026-03-31"}) == {b["id"]}
    assert found(status="registered", q=sfx) == {a["id"], b["id"]} and found(status="marked", q=sfx) == set()
    for bad in ({"status": "lost"}, {"from": "2026-13-01"}, {"mode": "pigeon"}, {"q": "x" * 201}, {"nope": "1"}):
        assert_problem(c.get(receipts_url(w), params=bad, headers=h(c, w, "rec")), 400)
    # an officer who may not see them does not find them
    r = c.get(receipts_url(w), params={"q": sfx}, headers=h(c, w, "alice"))
    assert {y["id"] for y in r.json()["items"]} & {a["id"], b["id"]} == set()


def as_officer(db, w, who, sql):
    """Runs sql as the department's role with the settings the server would set for officer `who`; the value
    printed after 'n='."""
    out = db.psql("BEGIN; SET LOCAL ROLE dept_%s; SELECT set_config('daftar.officer_uid', '%s', true), "
                  "set_config('daftar.clearance', '1', true), set_config('daftar.roles', ',officer,', true), "
                  "set_config('daftar.otp', 'f', true), set_config('daftar.trusted', 'f', true); "
                  "%s; ROLLBACK;" % (w["a"], w[who], sql)).stdout
    return [line[2:] for line in out.splitlines() if line.startswith("n=")][-1]


def test_the_database_refuses_what_the_rules_refuse(c, w, db):
    """Row-level security on receipts, their track and access rows: as the department's role with an outsider's
    settings, a bare SELECT reaches nothing, and a change of someone else's receipt changes nothing."""
    x = register(c, w, "dave", subject="RLS probe").json()
    a = w["a"]
    count = ("SELECT 'n=' || (SELECT count(*) FROM dept_%s.receipts WHERE id = '%s') || '/' || "
             "(SELECT count(*) FROM dept_%s.receipt_movements WHERE receipt_id = '%s') || '/' || "
             "(SELECT count(*) FROM dept_%s.receipt_access WHERE receipt_id = '%s')" % (a, x["id"], a, x["id"], a, x["id"]))
    assert as_officer(db, w, "dave", count) == "1/1/1"
    assert as_officer(db, w, "alice", count) == "0/0/0"
    steal = "WITH u AS (UPDATE dept_%s.receipts SET holder = '%s' WHERE id = '%s' RETURNING 1) SELECT 'n=' || count(*) FROM u"
    assert as_officer(db, w, "alice", steal % (a, w["alice"], x["id"])) == "0"
    drop = "WITH u AS (DELETE FROM dept_%s.receipts WHERE id = '%s' RETURNING 1) SELECT 'n=' || count(*) FROM u"
    assert as_officer(db, w, "alice", drop % (a, x["id"])) == "0"
    assert as_officer(db, w, "dave", drop % (a, x["id"])) == "0"  # nobody deletes a receipt
    assert c.get(receipts_url(w) + "/" + x["id"], headers=h(c, w, "dave")).json()["holder"] == w["dave"]
