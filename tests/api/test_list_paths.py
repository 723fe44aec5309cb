"""The unfiltered lists that start from what the caller can see (issue 25 §2): GET .../files?box=all with no filter
(sql/queries/files_all.sql) must answer exactly what files_list answers for the same caller (the general path, taken
here with an updated_since long past: the same rule, the same order, the same cursors), page after page, for officers
who see files by each rule of may_see.sql: creator, holder, an earlier holder, the holder of an acting charge (and the
part files of the mains the absent officer holds), a records keeper, the readers of a part file through its main, an
officer not cleared for a confidential file, and an outsider, who sees none of them. Over HTTP/2 against the real
binary and PostgreSQL."""
import datetime

import httpx
import pytest

from conftest import Server, keyed_env, office_today
from test_auth import Officers, bearer, tokens

LONG_AGO = "2000-01-01T00:00:00Z"


@pytest.fixture(scope="module")
def w(db, tmp_path_factory):
    a = db.add_dept("lpa")
    off = Officers(db, str(tmp_path_factory.mktemp("pw")))
    people = {"ann": off.add(a, "officer")[0], "ben": off.add(a, "officer")[0],
              "cat": off.add(a, "officer,section_officer")[0], "dan": off.add(a, "officer")[0],
              "act": off.add(a, "officer")[0], "hoo": off.add(a, "officer,hoo")[0],
              "rec": off.add(a, "officer,records_officer")[0], "out": off.add(a, "officer")[0]}
    s = Server(env_extra=keyed_env(db))
    s.wait_ready()
    with httpx.Client(base_url=s.url, http1=False, http2=True, timeout=20) as c:
        t = {k: bearer(tokens(c, uid)["access_token"]) for k, uid in people.items()}
    yield dict(people, a=a, db=db, t=t, server=s)
    s.stop()


@pytest.fixture
def c(w):
    with httpx.Client(base_url=w["server"].url, http1=False, http2=True, timeout=20) as client:
        yield client


def url(w, rest=""):
    return "/v1/departments/%s%s" % (w["a"], rest)


def create(c, w, who, subject):
    r = c.post(url(w, "/files"), headers=w["t"][who], json={"subject": subject, "section": "GEN"})
    assert r.status_code == 201, r.text
    return r.json()


def move(c, w, who, f, kind="files", **body):
    """A movement of a file (or with kind="receipts" a mark of a receipt) by who, at its current ETag."""
    got = c.get(url(w, "/%s/%s" % (kind, f["id"])), headers=w["t"][who])
    assert got.status_code == 200, got.text
    r = c.post(url(w, "/%s/%s/movements" % (kind, f["id"])), headers=dict(w["t"][who], **{"If-Match": got.headers["etag"]}),
               json=body)
    assert r.status_code in (200, 201), r.text
    return r.json()


def pages(c, w, who, path, params):
    """Every page of a list, limit 3: (items, next_cursor) each."""
    out, cursor = [], None
    while True:
        p = dict(params, limit=3, **({"cursor": cursor} if cursor else {}))
        r = c.get(url(w, path), headers=w["t"][who], params=p)
        assert r.status_code == 200, r.text
        body = r.json()
        out.append((body["items"], body["next_cursor"]))
        cursor = body["next_cursor"]
        if cursor is None:
            return out


@pytest.fixture(scope="module")
def files(w):
    with httpx.Client(base_url=w["server"].url, http1=False, http2=True, timeout=20) as c:
        made = {}
        for i in range(4):
            made["ann%d" % i] = create(c, w, "ann", "Ann's file %d" % i)
        for i in range(3):
            made["ben%d" % i] = create(c, w, "ben", "Ben's file %d" % i)
        made["cat0"] = create(c, w, "cat", "Cat's file")
        move(c, w, "ann", made["ann0"], action="forward", to=w["ben"])  # ben holds it, ann held it
        move(c, w, "ann", made["ann1"], action="forward", to=w["cat"])
        move(c, w, "cat", made["ann1"], action="forward", to=w["dan"])  # cat held it before
        move(c, w, "ben", made["ben0"], action="forward", to=w["dan"])
        # a main file away with ben, and a part file opened by ann, now with cat: ann, cat (access), ben (holds the
        # main), act (holds ben's charge) see the part; dan gets the main later and then sees it too
        main = made["main"] = create(c, w, "ann", "Main file")
        move(c, w, "ann", main, action="forward", to=w["ben"])
        r = c.post(url(w, "/files/%s/parts" % main["id"]), headers=dict(w["t"]["ann"], **{"Idempotency-Key": "lp-part"}),
                   json={"subject": "Part file"})
        assert r.status_code == 201, r.text
        made["part"] = r.json()
        move(c, w, "ann", made["part"], action="forward", to=w["cat"])
        # a confidential file held by dan: nobody here signed in with a second factor, so nobody is cleared for it
        made["conf"] = create(c, w, "ann", "To be confidential")
        move(c, w, "ann", made["conf"], action="forward", to=w["dan"])
        w["db"].psql("UPDATE dept_%s.files SET classification = 'confidential' WHERE id = '%s'" % (w["a"], made["conf"]["id"]))
        # act holds ben's charge: ben's files and the part file of the main ben holds
        until = (office_today() + datetime.timedelta(days=3)).isoformat()
        r = c.post(url(w, "/charges"), headers=w["t"]["hoo"],
                   json={"holder": w["act"], "of": w["ben"], "valid_until": until, "reason": "Earned leave"})
        assert r.status_code == 201, r.text
        made["out"] = create(c, w, "out", "The outsider's own")
        move(c, w, "ben", made["ben2"], action="forward", to=w["cat"])  # changed last: first in every list that has it
        return made


def test_the_all_box_is_files_lists_for_every_kind_of_reader(c, w, files):
    seen = {}
    for who in ("ann", "ben", "cat", "dan", "act", "rec", "out", "hoo"):
        plain = pages(c, w, who, "/files", {"box": "all"})
        listed = pages(c, w, who, "/files", {"box": "all", "updated_since": LONG_AGO})
        assert plain == listed, who
        seen[who] = {i["id"] for items, _ in plain for i in items}
    ids = {k: f["id"] for k, f in files.items()}
    part = ids["part"]
    assert part in seen["ann"] and part in seen["cat"] and part in seen["ben"] and part in seen["act"]
    assert ids["ben1"] in seen["act"] and ids["ann0"] in seen["act"]  # through ben's charge
    assert ids["ann1"] in seen["cat"] and ids["ann1"] in seen["dan"] and ids["ann1"] in seen["ann"]
    assert ids["conf"] not in set().union(*seen.values())
    assert {ids[k] for k in ids if k not in ("conf", "out")} <= seen["rec"]  # a records keeper sees them all
    assert seen["out"] == {ids["out"]} and seen["hoo"] == set()  # an outsider: only their own
    assert part not in seen["dan"]
    move(c, w, "ben", files["main"], action="forward", to=w["dan"])  # the main reaches dan: so does its part
    assert part in {i["id"] for items, _ in pages(c, w, "dan", "/files", {"box": "all"}) for i in items}
    for who in ("dan", "ben", "act"):
        assert pages(c, w, who, "/files", {"box": "all"}) == pages(c, w, who, "/files",
                                                                     {"box": "all", "updated_since": LONG_AGO}), who
    first = c.get(url(w, "/files"), headers=w["t"]["dan"], params={"box": "all", "limit": 1}).json()["items"]
    assert [f["id"] for f in first] == [ids["main"]]  # the last changed comes first


def register(c, w, who, subject):
    r = c.post(url(w, "/receipts"), headers=w["t"][who], json={"sender": "Collector, Kota", "subject": subject,
                                                                "mode": "post"})
    assert r.status_code == 201, r.text
    return r.json()


def put_in(c, w, who, x, f):
    r = c.post(url(w, "/receipts/%s/file" % x["id"]), headers=w["t"][who], json={"file_id": f["id"]})
    assert r.status_code == 200, r.text


def test_the_unfiltered_register_is_receipts_lists_for_every_kind_of_reader(c, w, files):
    # GET .../receipts with no filter is receipts_all (issue 25 §2); with updated_since long past it is receipts_list
    x = {"marked": register(c, w, "ann", "Marked on with a copy"), "bens": register(c, w, "ben", "Ben holds it"),
         "in_file": register(c, w, "cat", "Put into a file"), "in_part": register(c, w, "cat", "Put into a part file"),
         "conf": register(c, w, "ann", "To be confidential"), "outs": register(c, w, "out", "The outsider's own")}
    for i in range(3):
        x["ann%d" % i] = register(c, w, "ann", "Ann's receipt %d" % i)
    move(c, w, "ann", x["marked"], kind="receipts", to=w["ben"], copies=[w["cat"]])
    put_in(c, w, "cat", x["in_file"], files["cat0"])
    # a main with ben (act holds his charge), its part with cat, a receipt put into the part
    main = create(c, w, "ann", "Second main")
    move(c, w, "ann", main, action="forward", to=w["ben"])
    r = c.post(url(w, "/files/%s/parts" % main["id"]), headers=dict(w["t"]["ann"], **{"Idempotency-Key": "lp-part-2"}),
               json={})
    assert r.status_code == 201, r.text
    part = r.json()
    move(c, w, "ann", part, action="forward", to=w["cat"])
    put_in(c, w, "cat", x["in_part"], part)
    w["db"].psql("UPDATE dept_%s.receipts SET classification = 'confidential' WHERE id = '%s'" % (w["a"], x["conf"]["id"]))
    move(c, w, "cat", files["cat0"], action="forward", to=w["dan"])  # dan now sees cat0 and the receipt in it
    ids = {k: v["id"] for k, v in x.items()}
    seen = {}
    for who in ("ann", "ben", "cat", "dan", "act", "rec", "out", "hoo"):
        plain = pages(c, w, who, "/receipts", {})
        listed = pages(c, w, who, "/receipts", {"updated_since": LONG_AGO})
        assert plain == listed, who
        seen[who] = {i["id"] for items, _ in plain for i in items}
    assert ids["in_file"] in seen["dan"] and ids["in_part"] in seen["ann"] and ids["in_part"] in seen["ben"]
    assert {ids["marked"], ids["bens"], ids["in_part"]} <= seen["act"]  # through ben's charge
    assert ids["marked"] in seen["cat"] and ids["marked"] in seen["ann"]
    assert ids["conf"] not in set().union(*seen.values())
    assert set(ids.values()) - {ids["conf"]} <= seen["rec"]
    assert seen["out"] == {ids["outs"]} and seen["hoo"] == set()
    first = c.get(url(w, "/receipts"), headers=w["t"]["ann"], params={"limit": 1}).json()["items"]
    assert [i["id"] for i in first] == [ids["ann2"]]  # the newest registered first


SEARCHES = [{"q": "receipt"}, {"q": "RECEIPT 1"}, {"mode": "post"}, {"mode": "email"}, {"filed": "yes"},
            {"filed": "no"}, {"status": "marked"}, {"status": "registered", "q": "ann"}, {"sender": "kota"},
            {"number": "no-such-diary-number"}, {"updated_since": LONG_AGO, "filed": "no"}]


def matches(x, search):
    """The register's search as the contract words it, over a receipt as the API shows it."""
    for k, v in search.items():
        if k == "q" and v.lower() not in x["subject"].lower():
            return False
        if k == "sender" and v.lower() not in x["sender"].lower():
            return False
        if k == "number" and v.lower() not in x["receipt_number"].lower():
            return False
        if k in ("mode", "status") and x[k] != v:
            return False
        if k == "filed" and (x["file_id"] is not None) != (v == "yes"):
            return False
    return True


def test_a_searched_register_is_the_unfiltered_one_filtered_for_every_kind_of_reader(c, w, files):
    # receipts_list starts from the caller's sources of visibility too (issue 25): every search, page by page (limit
    # 3), must give exactly the receipts of the unfiltered register (receipts_all; the test above holds it to the
    # rule) that match, in the same order. Runs after the test above, on its receipts (and one by e-mail, filed).
    x = register(c, w, "ann", "Ann's e-mailed receipt")
    w["db"].psql("UPDATE dept_%s.receipts SET mode = 'email' WHERE id = '%s'" % (w["a"], x["id"]))
    put_in(c, w, "ann", x, files["ann2"])
    tried = 0
    for who in ("ann", "ben", "cat", "dan", "act", "rec", "out", "hoo"):
        every = [i for items, _ in pages(c, w, who, "/receipts", {}) for i in items]
        for search in SEARCHES:
            got = [i for items, _ in pages(c, w, who, "/receipts", search) for i in items]
            assert [i["id"] for i in got] == [i["id"] for i in every if matches(i, search)], (who, search)
            tried += len(got)
    assert tried > 50  # the searches found something to compare


def test_an_item_with_received_is_its_file_in_jsonbs_text(c, w, files):
    """files_page writes an item with `received` as text (sql/dept/functions/files_page.sql): it must be, byte for
    byte, what the API gave before, file_json_with's object made jsonb with `received` added, for every file a
    holder or their charge's holder sees (strings with quotes, a backslash, a newline and Devanagari included)."""
    odd = create(c, w, "ann", 'A "quoted" \\ subject\nपत्रावली')
    move(c, w, "ann", odd, action="forward", to=w["ben"], remarks='See "A" \\ and\tthis, पृष्ठ 2', due_date="2031-01-02")
    a = w["a"]
    checked = 0
    for who in ("ann", "ben", "cat", "dan", "act"):
        p = w["db"].psql(
            "SELECT set_config('role', 'dept_{a}', false), set_config('daftar.officer_uid', '{uid}', false), "
            "set_config('daftar.clearance', '1', false), set_config('daftar.roles', ',officer,', false), "
            "set_config('daftar.otp', 'f', false), set_config('daftar.trusted', 'f', false), "
            "set_config('daftar.dept', '{a}', false); "
            "SELECT x.item::text = (dept_{a}.file_json_with(f, x.item -> 'officers')::jsonb "
            "                       || jsonb_build_object('received', (x.item -> 'received')::jsonb))::text, "
            "       x.item::text "
            "FROM dept_{a}.files f, LATERAL (SELECT dept_{a}.files_page(ARRAY[f], 1) -> 'items' -> 0 AS item) x "
            "WHERE dept_{a}.acts_for(f.holder) AND dept_{a}.may_see(f)".format(a=a, uid=w[who]))
        for line in p.stdout.splitlines()[1:]:
            same, item = line.split("|", 1)
            assert same == "t", item
            assert '"received": {' in item
            checked += 1
    assert checked >= 10
