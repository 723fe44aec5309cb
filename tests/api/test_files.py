"""e-File: the journey of a file, who may see it, and the safety rails (ETag, Idempotency-Key)."""
import threading
import time

import httpx
import jwt as pyjwt
import pytest

from conftest import Server, assert_problem, keyed_env
from test_auth import PASSWORD, Officers, bearer, claims_for, our_private_key, tokens
from test_totp import enrol, oathtool
from pki import CA

TRUSTED = "127.0.0.2"


@pytest.fixture(scope="module")
def w(db, tmp_path_factory):
    env = keyed_env(db)
    a, b = db.add_dept("fla"), db.add_dept("flb")
    db.cli("dept", "set", a, "--trusted-cidrs", TRUSTED + "/32")
    off = Officers(db, str(tmp_path_factory.mktemp("pw")))
    people = {
        "alice": off.add(a, "officer")[0], "bob": off.add(a, "officer")[0],
        "carol": off.add(a, "officer,section_officer")[0], "dave": off.add(a, "officer")[0],
        "rec": off.add(a, "officer,records_officer")[0], "low": off.add(a, "officer", clearance="unclassified")[0],
        "eve": off.add(b, "officer")[0], "conf": off.add(a, "officer", clearance="confidential")[0],
        "conf2": off.add(a, "officer", clearance="confidential")[0],
    }
    ca = CA()
    ca_path = str(tmp_path_factory.mktemp("ca") / "ca.pem")
    with open(ca_path, "wb") as fh:
        fh.write(ca.pem())
    env["DAFTAR_SIGNING_CA"] = ca_path
    s = Server(env_extra=env)
    s.wait_ready()
    yield dict(people, a=a, b=b, server=s, env=env, db=db, ca=ca)
    s.stop()


def client(w, source=None):
    transport = httpx.HTTPTransport(local_address=source) if source else None
    return httpx.Client(base_url=w["server"].url, timeout=20, transport=transport)


@pytest.fixture
def c(w):
    with client(w) as cl:
        yield cl


_tokens = {}


def h(c, w, who):
    k = (w["a"], who)  # modules that import this fixture have officers of their own
    if k not in _tokens:
        _tokens[k] = tokens(c, w[who])["access_token"]
    return bearer(_tokens[k])


def otp_token(c, w, who, secrets={}, cache={}):
    """A token with a second factor: enrol once, sign in once (a TOTP code is accepted only once,
    so a second sign-in in the same 30 s step would be refused as a replay)."""
    k = (w["a"], who)
    if k in cache:
        return cache[k]
    if k not in secrets:
        t = tokens(c, w[who])
        secrets[k] = enrol(c, t["access_token"])
    r = c.post("/v1/auth/token", json={"grant_type": "password", "uid": w[who], "password": PASSWORD,
                                       "totp": oathtool(secrets[k], 30)})
    assert r.status_code == 200, r.text
    cache[k] = bearer(r.json()["access_token"])
    return cache[k]


def files_url(w, dept=None):
    return "/v1/departments/%s/files" % (dept or w["a"])


def create(c, w, who, **body):
    body.setdefault("subject", "Budget proposal")
    body.setdefault("section", "BUDGET")
    r = c.post(files_url(w), headers=h(c, w, who), json=body)
    assert r.status_code == 201, r.text
    return r.json(), r.headers["etag"]


def move(c, w, who, f, etag, **body):
    return c.post(files_url(w) + "/%s/movements" % f["id"], headers=dict(h(c, w, who), **{"If-Match": etag}), json=body)


def test_journey_create_forward_return_close_with_track(c, w):
    f, etag = create(c, w, "alice", subject="Revised estimates 2026-27", priority="immediate")
    assert f["file_number"].startswith(w["a"].upper() + "/BUDGET/") and f["holder"] == w["alice"]
    assert f["status"] == "open" and f["version"] == 1 and etag == '"1"'
    steps = [("alice", dict(action="forward", to=w["bob"], remarks="Please examine")),
             ("bob", dict(action="forward", to=w["carol"], remarks="Put up for orders", due_date="2026-12-31")),
             ("carol", dict(action="return", remarks="Clarify para 4")),
             ("bob", dict(action="forward", to=w["carol"], remarks="Clarified")),
             ("carol", dict(action="close", remarks="Approved and closed"))]
    for who, body in steps:
        r = move(c, w, who, f, etag, **body)
        assert r.status_code == 201, (who, body, r.text)
        f, etag = r.json(), r.headers["etag"]
    assert f["status"] == "closed" and f["holder"] == w["carol"] and f["version"] == 6
    track = c.get(files_url(w) + "/%s/movements" % f["id"], headers=h(c, w, "alice")).json()["items"]
    assert [(m["action"], m["from"], m["to"]) for m in track] == [
        ("create", w["alice"], w["alice"]), ("forward", w["alice"], w["bob"]), ("forward", w["bob"], w["carol"]),
        ("return", w["carol"], w["bob"]), ("forward", w["bob"], w["carol"]), ("close", w["carol"], w["carol"])]
    assert all(m["at"].endswith("Z") for m in track) and track[-1]["until"] is None and track[0]["until"] == track[1]["at"]
    assert track[2]["due_date"] == "2026-12-31"


def test_file_numbers_have_no_gaps(c, w):
    nums = [int(create(c, w, "alice")[0]["file_number"].rsplit("/", 1)[1]) for _ in range(3)]
    assert nums == [nums[0], nums[0] + 1, nums[0] + 2]


def test_only_the_holder_acts_and_close_needs_a_section_officer(c, w):
    f, etag = create(c, w, "alice")
    assert_problem(move(c, w, "bob", f, etag, action="park"), 404)  # bob never held it: it does not exist for him
    assert_problem(move(c, w, "alice", f, etag, action="close"), 403)
    r = move(c, w, "alice", f, etag, action="forward", to=w["bob"])
    f, etag = r.json(), r.headers["etag"]
    assert_problem(move(c, w, "alice", f, etag, action="park"), 403)  # past holder: sees it, cannot act
    # recall: the sender takes it back while bob has not acted
    r = move(c, w, "alice", f, etag, action="recall")
    assert r.status_code == 201 and r.json()["holder"] == w["alice"]


def test_forward_only_to_cleared_members_of_the_department(c, w):
    f, etag = create(c, w, "alice")
    assert_problem(move(c, w, "alice", f, etag, action="forward", to=w["eve"]), 422)  # other department
    assert_problem(move(c, w, "alice", f, etag, action="forward", to=w["low"]), 422)  # below restricted
    assert_problem(move(c, w, "alice", f, etag, action="forward"), 400)


def test_outsider_gets_404_and_never_sees_it_in_lists(c, w):
    f, _ = create(c, w, "alice", subject="Secret-ish matter of alice")
    url = files_url(w) + "/" + f["id"]
    assert_problem(c.get(url, headers=h(c, w, "dave")), 404, "not-found")
    assert_problem(c.get(url + "/movements", headers=h(c, w, "dave")), 404)
    for box in ("inbox", "sent", "created", "all"):
        items = c.get(files_url(w), headers=h(c, w, "dave"), params={"box": box, "limit": 100}).json()["items"]
        assert f["id"] not in [i["id"] for i in items]
    found = c.get(files_url(w), headers=h(c, w, "dave"), params={"box": "all", "q": "alice"}).json()["items"]
    assert found == []
    # records officer of the department sees restricted files; an unclassified-clearance officer does not
    assert c.get(url, headers=h(c, w, "rec")).status_code == 200
    assert_problem(c.get(url, headers=h(c, w, "low")), 404)


def test_other_department_is_403(c, w):
    f, _ = create(c, w, "alice")
    assert_problem(c.get(files_url(w) + "/" + f["id"], headers=h(c, w, "eve")), 403)
    assert_problem(c.get(files_url(w), headers=h(c, w, "eve")), 403)
    assert_problem(c.post(files_url(w), headers=h(c, w, "eve"), json={"subject": "x", "section": "A"}), 403)
    # and in its own department the file does not exist
    assert_problem(c.get(files_url(w, w["b"]) + "/" + f["id"], headers=h(c, w, "eve")), 404)


def test_confidential_needs_second_factor_and_trusted_network_even_for_its_holder(w, db):
    with client(w, TRUSTED) as t:
        ho = otp_token(t, w, "conf")
        r = t.post(files_url(w), headers=ho, json={"subject": "Vigilance report", "section": "VIG",
                                                   "classification": "confidential"})
        assert r.status_code == 201, r.text
        f = r.json()
        url = files_url(w) + "/" + f["id"]
        assert t.get(url, headers=ho).status_code == 200
        # audited read
        n = db.psql("SELECT count(*) FROM dept_%s.audit_events WHERE action = 'file.read' AND object_id = '%s'"
                    % (w["a"], f["id"])).stdout.strip()
        assert int(n) >= 1
        # the holder with a password-only token (forged with the real key, as if otp were skipped)
        kid, key = our_private_key(db, w["env"])
        pw_only = pyjwt.encode(claims_for(w["conf"]), key,
                               algorithm="ES256", headers={"kid": kid})
        assert_problem(t.get(url, headers=bearer(pw_only)), 404)
    with client(w) as u:  # the same officer, second factor, from an untrusted address
        assert_problem(u.get(url, headers=ho), 404)
        assert f["id"] not in [i["id"] for i in u.get(files_url(w), headers=ho, params={"box": "all"}).json()["items"]]
        # records officer: not for confidential files
        assert_problem(u.get(url, headers=h(u, w, "rec")), 404)


def test_x_forwarded_for_is_believed_only_from_trusted_proxies(w, db):
    with client(w, TRUSTED) as t:
        ho = otp_token(t, w, "conf2")
        f = t.post(files_url(w), headers=ho, json={"subject": "C2", "section": "VIG", "classification": "confidential"}).json()
    url = files_url(w) + "/" + f["id"]
    with client(w) as u:
        assert_problem(u.get(url, headers=dict(ho, **{"X-Forwarded-For": TRUSTED})), 404)
    s = Server(env_extra=dict(w["env"], DAFTAR_TRUSTED_PROXIES="127.0.0.1/32"))
    try:
        s.wait_ready()
        with httpx.Client(base_url=s.url, timeout=20) as p:
            assert p.get(url, headers=dict(ho, **{"X-Forwarded-For": "203.0.113.9, " + TRUSTED})).status_code == 200
            assert_problem(p.get(url, headers=dict(ho, **{"X-Forwarded-For": TRUSTED + ", 203.0.113.9"})), 404)
            assert_problem(p.get(url, headers=dict(ho, **{"X-Forwarded-For": "garbage"})), 404)
    finally:
        s.stop()


def test_if_match_required_and_stale_is_412(c, w):
    f, etag = create(c, w, "alice")
    r = c.post(files_url(w) + "/%s/movements" % f["id"], headers=h(c, w, "alice"), json={"action": "park"})
    assert_problem(r, 428, "precondition-required")
    assert_problem(move(c, w, "alice", f, '"99"', action="park"), 412, "precondition-failed")
    assert_problem(move(c, w, "alice", f, 'W/"1"', action="park"), 412)


def test_two_concurrent_forwards_with_the_same_etag_exactly_one_wins(w):
    with client(w) as c:
        f, etag = create(c, w, "alice")
        results = []

        def go(to):
            with client(w) as cc:
                results.append(move(cc, w, "alice", f, etag, action="forward", to=w[to]).status_code)

        threads = [threading.Thread(target=go, args=(who,)) for who in ("bob", "carol")]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(results) == [201, 412]
        track = c.get(files_url(w) + "/%s/movements" % f["id"], headers=h(c, w, "alice")).json()["items"]
        assert len(track) == 2


def test_idempotency_key(c, w, db):
    key = "retry-%d" % time.time_ns()
    hdr = dict(h(c, w, "alice"), **{"Idempotency-Key": key})
    body = {"subject": "Idempotent file", "section": "GEN"}
    r1 = c.post(files_url(w), headers=hdr, json=body)
    r2 = c.post(files_url(w), headers=hdr, json=body)
    assert r1.status_code == r2.status_code == 201
    assert r1.json() == r2.json() and r2.headers.get("idempotent-replayed") == "true"
    n = db.psql("SELECT count(*) FROM dept_%s.files WHERE subject = 'Idempotent file'" % w["a"]).stdout.strip()
    assert n == "1"
    assert_problem(c.post(files_url(w), headers=hdr, json={"subject": "Another", "section": "GEN"}), 422)
    assert_problem(c.post(files_url(w), headers=dict(hdr, **{"Idempotency-Key": "bad key!"}), json=body), 400)


def test_hindi_subject_search(c, w):
    f, _ = create(c, w, "alice", subject="वार्षिक बजट प्रस्ताव 2026")
    for q in ("बजट", "वार्षिक बजट", f["file_number"], f["file_number"].rsplit("/", 1)[1]):
        items = c.get(files_url(w), headers=h(c, w, "alice"), params={"box": "all", "q": q}).json()["items"]
        assert f["id"] in [i["id"] for i in items], q


def test_inbox_sent_created_and_paging(c, w):
    f, etag = create(c, w, "bob", subject="For paging")
    move(c, w, "bob", f, etag, action="forward", to=w["alice"])
    ids = lambda who, box: [i["id"] for i in c.get(files_url(w), headers=h(c, w, who),
                                                   params={"box": box, "limit": 100}).json()["items"]]
    assert f["id"] in ids("alice", "inbox") and f["id"] in ids("bob", "sent") and f["id"] in ids("bob", "created")
    assert f["id"] not in ids("bob", "inbox")
    seen, cursor = [], None
    while True:
        params = {"box": "all", "limit": 2}
        if cursor:
            params["cursor"] = cursor
        page = c.get(files_url(w), headers=h(c, w, "alice"), params=params).json()
        seen += [i["id"] for i in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == len(ids("alice", "all"))


def test_the_plain_inbox_pages_as_the_inbox_named_by_its_holder(c, w):
    # GET ?box=inbox without filters is served by files_inbox (a generic plan over the holder index, issue 25);
    # named by its holder it is files_list's: the same pages, items and cursors
    for i in range(5):
        create(c, w, "dave", subject="Inbox paging %d" % i)

    def pages(extra, limit=2):
        out, cursor = [], None
        while True:
            params = dict(box="inbox", limit=limit, **extra)
            if cursor:
                params["cursor"] = cursor
            r = c.get(files_url(w), headers=h(c, w, "dave"), params=params)
            assert r.status_code == 200, r.text
            out.append(r.json())
            cursor = r.json()["next_cursor"]
            if cursor is None:
                return out

    plain, named = pages({}), pages({"holder": w["dave"]})
    assert plain == named and sum(len(p["items"]) for p in plain) >= 5
    # each one's cursor serves the other
    second = c.get(files_url(w), headers=h(c, w, "dave"), params={"box": "inbox", "limit": 2,
                                                                  "cursor": named[0]["next_cursor"]}).json()
    assert second == plain[1]
    # a cursor past any time starts at the top; one at the epoch ends the list
    top = c.get(files_url(w), headers=h(c, w, "dave"), params={"box": "inbox", "limit": 2,
                                                               "cursor": "9" * 19 + "_" + plain[0]["items"][0]["id"]})
    assert top.status_code == 200 and [x["id"] for x in top.json()["items"]][:1] == [plain[0]["items"][0]["id"]]
    end = c.get(files_url(w), headers=h(c, w, "dave"), params={"box": "inbox", "cursor": "0_" + plain[0]["items"][0]["id"]})
    assert end.json() == {"items": [], "next_cursor": None, "synced_at": "1970-01-01T00:00:00.000000Z"}


def test_the_plain_sent_box_is_files_lists(c, w):
    # GET ?box=sent without filters is served by files_sent (the file_sent index, issue 25); with updated_since
    # long past it is files_list's rule: the same files in the same order, page after page
    made = [create(c, w, "dave", subject="Sent box %d" % i) for i in range(4)]
    for f, etag in made:
        move(c, w, "dave", f, etag, action="forward", to=w["alice"])
    back = c.get(files_url(w) + "/" + made[0][0]["id"], headers=h(c, w, "alice"))
    move(c, w, "alice", made[0][0], back.headers["etag"], action="return", to=w["dave"])  # dave holds it again
    on = c.get(files_url(w) + "/" + made[1][0]["id"], headers=h(c, w, "alice"))
    move(c, w, "alice", made[1][0], on.headers["etag"], action="forward", to=w["bob"])  # changed since dave sent it

    def pages(who, extra):
        out, cursor = [], None
        while True:
            params = dict(box="sent", limit=2, **extra)
            if cursor:
                params["cursor"] = cursor
            r = c.get(files_url(w), headers=h(c, w, who), params=params)
            assert r.status_code == 200, r.text
            out.append([i["id"] for i in r.json()["items"]])
            cursor = r.json()["next_cursor"]
            if cursor is None:
                return out

    for who in ("dave", "alice"):
        plain, listed = pages(who, {}), pages(who, {"updated_since": "2000-01-01T00:00:00Z"})
        assert plain == listed, who
    sent = sum(pages("dave", {}), [])
    assert made[0][0]["id"] not in sent and {f["id"] for f, _ in made[1:]} <= set(sent)
    assert sent.index(made[1][0]["id"]) < sent.index(made[3][0]["id"])  # its forward by alice put it first


def test_filter_by_holder(c, w):
    f, etag = create(c, w, "alice", subject="For the holder filter")
    move(c, w, "alice", f, etag, action="forward", to=w["bob"])
    held = c.get(files_url(w), params={"box": "all", "holder": w["bob"]}, headers=h(c, w, "rec")).json()["items"]
    assert f["id"] in [x["id"] for x in held] and all(x["holder"] == w["bob"] for x in held)
    assert_problem(c.get(files_url(w), params={"holder": "12345"}, headers=h(c, w, "rec")), 400)


@pytest.mark.parametrize("body", [{}, {"subject": "x"}, {"subject": "", "section": "A"}, {"subject": "x", "section": "a b"},
                                  {"subject": "x", "section": "A", "classification": "top"},
                                  {"subject": "x", "section": "A", "holder": "10000000012"},
                                  {"subject": "x", "section": "A", "status": "closed"},
                                  {"subject": "x", "section": "A", "created_by": "x"},
                                  {"subject": "x" * 3000, "section": "A"}, {"subject": 7, "section": "A"}])
def test_bad_create_bodies_are_400_and_change_nothing(c, w, db, body):
    before = db.psql("SELECT count(*) FROM dept_%s.files" % w["a"]).stdout
    assert_problem(c.post(files_url(w), headers=h(c, w, "alice"), json=body), 400)
    assert db.psql("SELECT count(*) FROM dept_%s.files" % w["a"]).stdout == before


def test_low_clearance_cannot_create_above_it(c, w):
    assert_problem(c.post(files_url(w), headers=h(c, w, "low"), json={"subject": "x", "section": "A",
                                                                        "classification": "restricted"}), 403)


@pytest.mark.parametrize("path", ["/not-a-uuid", "/00000000-0000-0000-0000-000000000000", "/%27%3B--"])
def test_unknown_files_are_404(c, w, path):
    assert_problem(c.get(files_url(w) + path, headers=h(c, w, "alice")), 404)


def test_audit_chain_is_intact(w, db):
    rows = db.psql("SELECT seq, prev_hash, hash FROM dept_%s.audit_events ORDER BY seq" % w["a"]).stdout.split()
    prev = "0" * 64
    for i, row in enumerate(rows, 1):
        seq, p, hsh = row.split("|")
        assert int(seq) == i and p == prev
        prev = hsh
    assert len(rows) > 10


def notes_url(w, f):
    return files_url(w) + "/%s/notes" % f["id"]


def test_notesheet_drafts_finals_and_chain(c, w, db):
    f, etag = create(c, w, "alice", subject="Notesheet file")
    r = c.post(notes_url(w, f), headers=h(c, w, "alice"), json={"body": "Para 1: the proposal is examined."})
    assert r.status_code == 201, r.text
    # a draft has the hash it will keep when final (what its author signs)
    assert r.json()["n"] == 1 and r.json()["status"] == "draft" and len(r.json()["hash"]) == 64
    c.post(notes_url(w, f), headers=h(c, w, "alice"), json={"body": "Para 2: typo here"})
    third = c.post(notes_url(w, f), headers=h(c, w, "alice"), json={"body": "Para 3: put up."}).json()
    # the author edits and deletes drafts; the rest renumber and are chained again
    assert c.patch(notes_url(w, f) + "/2", headers=h(c, w, "alice"), json={"body": "Para 2: fixed"}).status_code == 200
    assert c.delete(notes_url(w, f) + "/2", headers=h(c, w, "alice")).status_code == 200
    notes = c.get(notes_url(w, f), headers=h(c, w, "alice")).json()["items"]
    assert [(n["n"], n["body"]) for n in notes] == [(1, "Para 1: the proposal is examined."), (2, "Para 3: put up.")]
    assert notes[1]["hash"] != third["hash"]
    draft_hashes = [n["hash"] for n in notes]
    # nobody holding the file writes on it
    assert_problem(c.post(notes_url(w, f), headers=h(c, w, "bob"), json={"body": "x"}), 404)
    r = move(c, w, "alice", f, etag, action="forward", to=w["bob"])
    f, etag = r.json(), r.headers["etag"]
    notes = c.get(notes_url(w, f), headers=h(c, w, "bob")).json()["items"]
    assert [n["status"] for n in notes] == ["final", "final"] and [n["hash"] for n in notes] == draft_hashes
    assert_problem(c.patch(notes_url(w, f) + "/1", headers=h(c, w, "alice"), json={"body": "rewrite"}), 403)
    # bob's draft is his alone until the file moves
    assert c.post(notes_url(w, f), headers=h(c, w, "bob"), json={"body": "वित्त विभाग की राय"}).status_code == 201
    assert_problem(c.patch(notes_url(w, f) + "/1", headers=h(c, w, "bob"), json={"body": "rewrite"}), 409)
    assert len(c.get(notes_url(w, f), headers=h(c, w, "alice")).json()["items"]) == 2
    move(c, w, "bob", f, etag, action="return")
    v = c.get(notes_url(w, f) + "/verify", headers=h(c, w, "alice")).json()
    assert v == {"ok": True, "checked": 3, "first_broken": None}
    # a note changed behind the server's back is caught
    db.psql("ALTER TABLE dept_%s.notes DISABLE TRIGGER notes_guard; "
            "UPDATE dept_%s.notes SET body = 'Para 3: approved.' WHERE file_id = '%s' AND n = 2; "
            "ALTER TABLE dept_%s.notes ENABLE TRIGGER notes_guard;" % (w["a"], w["a"], f["id"], w["a"]))
    v = c.get(notes_url(w, f) + "/verify", headers=h(c, w, "alice")).json()
    assert v == {"ok": False, "checked": 2, "first_broken": 2}
    # and the database itself refuses to change a final note, even for the department's own role
    p = db.psql("BEGIN; SET LOCAL ROLE dept_%s; UPDATE dept_%s.notes SET body = 'x' WHERE file_id = '%s';"
                % (w["a"], w["a"], f["id"]), check=False)
    assert p.returncode != 0 and "never changes" in p.stderr


def test_notes_are_invisible_to_outsiders(c, w):
    f, _ = create(c, w, "alice")
    c.post(notes_url(w, f), headers=h(c, w, "alice"), json={"body": "private"})
    assert_problem(c.get(notes_url(w, f), headers=h(c, w, "dave")), 404)
    assert_problem(c.get(notes_url(w, f) + "/verify", headers=h(c, w, "dave")), 404)
    assert_problem(c.get(notes_url(w, f), headers=h(c, w, "eve")), 403)
    # records officer sees the file but not alice's draft
    assert c.get(notes_url(w, f), headers=h(c, w, "rec")).json()["items"] == []
    assert_problem(c.post(notes_url(w, f), headers=h(c, w, "alice"), json={"body": ""}), 400)
    assert_problem(c.post(notes_url(w, f), headers=h(c, w, "alice"), json={"body": "x" * 20001}), 400)


def test_pendency_own_line_and_department_for_its_admin(c, w, db):
    f, etag = create(c, w, "alice", subject="Pending with bob")
    move(c, w, "alice", f, etag, action="forward", to=w["bob"], due_date="2020-01-01")
    mine = c.get("/v1/departments/%s/reports/pendency" % w["a"], headers=h(c, w, "bob")).json()
    assert mine["scope"] == "self" and [i["officer"] for i in mine["items"]] == [w["bob"]]
    assert mine["items"][0]["files_held"] >= 1 and mine["items"][0]["overdue"] >= 1
    assert mine["items"][0]["oldest_waiting_seconds"] >= 0
    admin, _ = Officers(db, "/tmp").add(w["a"], "officer,hr_admin")  # hr_admin: still only its own line
    assert c.get("/v1/departments/%s/reports/pendency" % w["a"], headers=bearer(tokens(c, admin)["access_token"])).json()["items"] == []
    assert_problem(c.get("/v1/departments/%s/reports/pendency" % w["a"], headers=h(c, w, "eve")), 403)
    w["boss"] = Officers(db, "/tmp").add(w["a"], "officer,dept_admin")[0]
    dept = c.get("/v1/departments/%s/reports/pendency" % w["a"], headers=otp_token(c, w, "boss")).json()
    assert dept["scope"] == "department" and w["bob"] in [i["officer"] for i in dept["items"]]


PDF = b"%PDF-1.7\n% daftar test document\n1 0 obj << /Type /Catalog >> endobj\nMARKER-4711 \xe0\xa4\xac\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


def docs_url(w, f):
    return files_url(w) + "/%s/documents" % f["id"]


def test_document_round_trip_is_byte_identical(c, w):
    f, _ = create(c, w, "alice")
    for body, ctype, name in ((PDF, "application/pdf", "नोट shīt 1.pdf"), (PNG, "image/png", "scan.png")):
        r = c.post(docs_url(w, f), params={"filename": name}, content=body,
                   headers=dict(h(c, w, "alice"), **{"content-type": ctype}))
        assert r.status_code == 201, r.text
        d = r.json()
        import hashlib
        assert d["sha256"] == hashlib.sha256(body).hexdigest() and d["size"] == len(body) and d["filename"] == name
        got = c.get(docs_url(w, f) + "/" + d["id"], headers=h(c, w, "alice"))
        assert got.status_code == 200 and got.content == body and got.headers["content-type"] == ctype
        assert got.headers["etag"] == '"%s"' % d["sha256"]
        assert got.headers["content-disposition"].startswith("attachment; filename*=UTF-8''")
    listed = c.get(docs_url(w, f), headers=h(c, w, "alice")).json()["items"]
    assert [x["filename"] for x in listed] == ["नोट shīt 1.pdf", "scan.png"]
    # outsiders: nothing
    assert_problem(c.get(docs_url(w, f), headers=h(c, w, "dave")), 404)
    assert_problem(c.get(docs_url(w, f) + "/" + listed[0]["id"], headers=h(c, w, "dave")), 404)
    assert_problem(c.get(docs_url(w, f) + "/" + listed[0]["id"], headers=h(c, w, "eve")), 403)


def test_document_type_checked_by_magic_bytes_and_size_bounded(c, w):
    f, _ = create(c, w, "alice")
    hdr = dict(h(c, w, "alice"), **{"content-type": "application/pdf"})
    assert_problem(c.post(docs_url(w, f), params={"filename": "x.pdf"}, content=b"MZ\x90\x00 not a pdf", headers=hdr), 415)
    assert_problem(c.post(docs_url(w, f), params={"filename": "x.pdf"}, content=PDF,
                          headers=dict(hdr, **{"content-type": "application/x-msdownload"})), 415)
    assert_problem(c.post(docs_url(w, f), params={"filename": "../../etc/passwd"}, content=PDF, headers=hdr), 400)
    assert_problem(c.post(docs_url(w, f), content=PDF, headers=hdr), 400)
    big = PDF + b"0" * (20 * 1024 * 1024)
    assert_problem(c.post(docs_url(w, f), params={"filename": "big.pdf"}, content=big, headers=hdr), 413)
    assert c.get(docs_url(w, f), headers=h(c, w, "alice")).json()["items"] == []
    # only the holder attaches
    assert_problem(c.post(docs_url(w, f), params={"filename": "x.pdf"}, content=PDF,
                          headers=dict(h(c, w, "rec"), **{"content-type": "application/pdf"})), 403)


def test_confidential_document_is_encrypted_at_rest(w, db):
    with client(w, TRUSTED) as t:
        ho = otp_token(t, w, "conf")
        f = t.post(files_url(w), headers=ho, json={"subject": "Sealed", "section": "VIG",
                                                   "classification": "confidential"}).json()
        r = t.post(docs_url(w, f), params={"filename": "report.pdf"}, content=PDF,
                   headers=dict(ho, **{"content-type": "application/pdf"}))
        assert r.status_code == 201, r.text
        d = r.json()
        got = t.get(docs_url(w, f) + "/" + d["id"], headers=ho)
        assert got.status_code == 200 and got.content == PDF
    row = db.psql("SELECT encrypted, position('\\x4d41524b45522d34373131'::bytea IN content), length(content) "
                  "FROM dept_%s.documents WHERE id = '%s'" % (w["a"], d["id"])).stdout.strip()
    encrypted, pos, length = row.split("|")
    assert encrypted == "t" and pos == "0" and int(length) == len(PDF) + 28
    with client(w) as u:  # untrusted network: the document does not exist
        assert_problem(u.get(docs_url(w, f) + "/" + d["id"], headers=ho), 404)
    # the department's data key is in the catalog only sealed under the master key; its role sees
    # its own key alone and cannot replace it
    sealed = db.psql("SELECT data_key FROM daftar.departments WHERE code = '%s'" % w["a"]).stdout.strip()
    assert len(sealed) == 120
    assert db.psql("SET ROLE dept_%s; SELECT count(*) FROM daftar.dept_key" % w["b"]).stdout.strip() == "1"
    assert db.psql("SET ROLE dept_%s; SELECT data_key IS NULL FROM daftar.dept_key" % w["b"]).stdout.strip() == "t"
    p = db.psql("SET ROLE dept_%s; UPDATE daftar.dept_key SET data_key = repeat('0', 120)" % w["a"], check=False)
    assert p.returncode != 0 and "set once" in p.stderr
