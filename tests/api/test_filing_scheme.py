"""Filing scheme and file numbers (issue 27): heads and sub-heads kept by the records officer, numbers
built from them, the serial per head and year without gaps under concurrency, old files keep theirs."""
import threading

from conftest import assert_problem
from test_files import c, client, create, files_url, h, w  # noqa: F401 (fixtures)


def heads_url(w):
    return "/v1/departments/%s/filing-heads" % w["a"]


def add_head(c, w, who, key=None, **body):
    headers = dict(h(c, w, who), **({"Idempotency-Key": key} if key else {}))
    return c.post(heads_url(w), headers=headers, json=body)


def test_the_records_officer_keeps_the_scheme(c, w, db):
    assert_problem(add_head(c, w, "alice", code="B-1", name="Budget", retention="A"), 403, "needs-records-officer")
    r = add_head(c, w, "rec", key="head-b1", code="B-1", name="Budget", name_hi="बजट", retention="A")
    assert r.status_code == 201, r.text
    main = r.json()
    again = add_head(c, w, "rec", key="head-b1", code="B-1", name="Budget", name_hi="बजट", retention="A")
    assert again.status_code == 201 and again.headers["idempotent-replayed"] == "true" and again.json() == main
    assert_problem(add_head(c, w, "rec", code="B-1", name="Again", retention="A"), 409)
    for bad in ({"code": "b1", "name": "x", "retention": "A"}, {"code": "X", "name": "x", "retention": "D"},
                {"code": "X", "name": "", "retention": "A"}, {"code": "X", "name": "x", "retention": "C", "retention_years": 5},
                {"code": "X", "name": "x", "retention": "A", "parent_id": "nope"}):
        assert add_head(c, w, "rec", **bad).status_code in (400, 422), bad
    sub = add_head(c, w, "rec", code="ESTIMATES", name="Estimates", retention="C", parent_id=main["id"]).json()
    assert sub["path"] == "B-1/ESTIMATES" and sub["retention_years"] == 3
    # no sub-head under a sub-head
    assert_problem(add_head(c, w, "rec", code="DEEP", name="Deep", retention="B", parent_id=sub["id"]), 422)
    listed = c.get(heads_url(w), headers=h(c, w, "alice")).json()["items"]
    paths = [x["path"] for x in listed]
    assert paths.index("B-1") < paths.index("B-1/ESTIMATES")
    # changed at its version by the records officer only; the code never changes
    u = heads_url(w) + "/" + sub["id"]
    assert_problem(c.patch(u, headers=dict(h(c, w, "alice"), **{"If-Match": '"1"'}), json={"retention": "B"}), 403)
    assert_problem(c.patch(u, headers=h(c, w, "rec"), json={"retention": "B"}), 428)
    assert_problem(c.patch(u, headers=dict(h(c, w, "rec"), **{"If-Match": '"1"'}), json={"code": "NEW"}), 400)
    r = c.patch(u, headers=dict(h(c, w, "rec"), **{"If-Match": '"1"'}), json={"retention": "B", "name_hi": "अनुमान"})
    assert r.status_code == 200 and r.json()["retention_years"] == 10 and r.headers["etag"] == '"2"', r.text
    # the database refuses the scheme to anyone else too (row-level security), whatever the statement
    out = db.psql("BEGIN; SET LOCAL ROLE dept_%s; SELECT set_config('daftar.officer_uid', '%s', true), "
                  "set_config('daftar.roles', ',officer,', true); "
                  "WITH u AS (UPDATE dept_%s.filing_heads SET name = 'x' RETURNING 1) SELECT 'n=' || count(*) FROM u; "
                  "ROLLBACK;" % (w["a"], w["alice"], w["a"])).stdout
    assert "n=0" in out, out


def test_numbers_from_the_scheme_without_gaps_under_concurrency(c, w):
    main = add_head(c, w, "rec", code="E-7", name="Establishment", retention="B").json()
    sub = add_head(c, w, "rec", code="PAY", name="Pay fixation", name_hi="वेतन निर्धारण", retention="C",
                   retention_years=1, parent_id=main["id"]).json()
    old, _ = create(c, w, "alice", subject="Before the scheme")
    numbers, errors = [], []
    auth = {who: h(c, w, who) for who in ("alice", "bob")}  # signed in before the race, not during it

    def make(i):
        try:
            with client(w) as cl:
                r = cl.post(files_url(w), headers=auth["alice" if i % 2 else "bob"],
                            json={"subject": "Pay %d" % i, "section": "ESTT", "head_id": sub["id"]})
                (numbers if r.status_code == 201 else errors).append(r.json()["file_number"] if r.status_code == 201 else r.text)
        except Exception as e:  # noqa: BLE001 (a thread's failure must fail the test)
            errors.append(repr(e))

    ts = [threading.Thread(target=make, args=(i,)) for i in range(12)]
    [t.start() for t in ts]
    [t.join() for t in ts]
    assert errors == []
    prefix = "%s/E-7/PAY/" % w["a"].upper()
    assert all(n.startswith(prefix) for n in numbers), numbers
    serials = sorted(int(n.rsplit("/", 1)[1]) for n in numbers)
    assert serials == list(range(1, 13)), serials
    # another head counts on its own; a file without a head keeps the section pattern; old files keep theirs
    r = c.post(files_url(w), headers=h(c, w, "alice"), json={"subject": "Main head", "section": "ESTT", "head_id": main["id"]})
    assert r.json()["file_number"].startswith("%s/E-7/" % w["a"].upper()) and r.json()["file_number"].endswith("/00001")
    assert r.json()["head_id"] == main["id"]
    assert c.get(files_url(w) + "/" + old["id"], headers=h(c, w, "alice")).json()["file_number"] == old["file_number"]
    # a retired head takes no new files; an unknown one is refused
    u = heads_url(w) + "/" + sub["id"]
    assert c.patch(u, headers=dict(h(c, w, "rec"), **{"If-Match": '"1"'}), json={"active": False}).status_code == 200
    assert_problem(c.post(files_url(w), headers=h(c, w, "alice"), json={"subject": "x", "section": "ESTT", "head_id": sub["id"]}), 422)
    assert_problem(c.post(files_url(w), headers=h(c, w, "alice"),
                          json={"subject": "x", "section": "ESTT", "head_id": "00000000-0000-4000-8000-000000000000"}), 422)
