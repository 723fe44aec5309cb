"""Part files (issue 27): opened from a main file while it is away, worked with their own notes and
movements, merged back with the notes joining the main notesheet in order and both chains verifying."""
from conftest import assert_problem
from test_files import c, create, files_url, h, move, notes_url, w  # noqa: F401 (fixtures)


def note(c, w, who, f, body):
    r = c.post(notes_url(w, f), headers=h(c, w, who), json={"body": body})
    assert r.status_code == 201, r.text


def test_a_part_file_opened_worked_and_merged_with_the_chain_intact(c, w, db):
    main, etag = create(c, w, "alice", subject="Main file away")
    note(c, w, "alice", main, "मूल टिप्पणी 1")
    r = move(c, w, "alice", main, etag, action="forward", to=w["bob"], remarks="for comments")
    main, etag = r.json(), r.headers["etag"]
    # the holder writes on the main itself; an outsider cannot open a part
    assert_problem(c.post(files_url(w) + "/%s/parts" % main["id"], headers=h(c, w, "bob"), json={}), 409, "main-file-here")
    assert_problem(c.post(files_url(w) + "/%s/parts" % main["id"], headers=h(c, w, "dave"), json={}), 404)
    r = c.post(files_url(w) + "/%s/parts" % main["id"], headers=dict(h(c, w, "alice"), **{"Idempotency-Key": "part-1"}),
               json={"subject": "भाग फ़ाइल"})
    assert r.status_code == 201, r.text
    part, petag = r.json(), r.headers["etag"]
    assert part["file_number"] == main["file_number"] + "/P1" and part["parent_id"] == main["id"] and part["part_no"] == 1
    again = c.post(files_url(w) + "/%s/parts" % main["id"], headers=dict(h(c, w, "alice"), **{"Idempotency-Key": "part-1"}),
                   json={"subject": "भाग फ़ाइल"})
    assert again.json()["id"] == part["id"] and again.headers["idempotent-replayed"] == "true"
    # worked: its own notes and movements; bob (holding the main) sees the part
    note(c, w, "alice", part, "भाग पर टिप्पणी A")
    r = move(c, w, "alice", part, petag, action="forward", to=w["carol"])
    part, petag = r.json(), r.headers["etag"]
    note(c, w, "carol", part, "भाग पर टिप्पणी B")
    assert [p["id"] for p in c.get(files_url(w) + "/%s/parts" % main["id"], headers=h(c, w, "bob")).json()["items"]] == [part["id"]]
    assert c.get(files_url(w) + "/" + part["id"], headers=h(c, w, "bob")).status_code == 200
    assert_problem(c.get(files_url(w) + "/" + part["id"], headers=h(c, w, "dave")), 404)
    # merging needs both with the same officer
    assert_problem(c.post(files_url(w) + "/%s/merge" % part["id"], headers=dict(h(c, w, "carol"), **{"If-Match": petag})), 404)
    r = move(c, w, "bob", main, etag, action="forward", to=w["carol"])
    main, etag = r.json(), r.headers["etag"]
    note(c, w, "carol", main, "draft on main")
    assert_problem(c.post(files_url(w) + "/%s/merge" % part["id"], headers=dict(h(c, w, "carol"), **{"If-Match": petag})),
                   409, "main-has-drafts")
    assert c.delete(notes_url(w, main) + "/2", headers=h(c, w, "carol")).status_code == 200
    assert_problem(c.post(files_url(w) + "/%s/merge" % part["id"], headers=h(c, w, "carol")), 428)
    assert_problem(c.post(files_url(w) + "/%s/merge" % main["id"], headers=dict(h(c, w, "carol"), **{"If-Match": etag})), 422)
    r = c.post(files_url(w) + "/%s/merge" % part["id"], headers=dict(h(c, w, "carol"), **{"If-Match": petag}))
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["merged"] == [{"part_n": 1, "main_n": 2}, {"part_n": 2, "main_n": 3}]
    assert out["part"]["status"] == "closed" and out["part"]["merged_at"] is not None
    # the main notesheet: its own note, then the part's in order, with their authors, all final; chains verify
    notes = c.get(notes_url(w, main), headers=h(c, w, "alice")).json()["items"]
    assert [(x["n"], x["body"], x["author"], x["status"]) for x in notes] == [
        (1, "मूल टिप्पणी 1", w["alice"], "final"), (2, "भाग पर टिप्पणी A", w["alice"], "final"),
        (3, "भाग पर टिप्पणी B", w["carol"], "final")]
    for f in (main, part):
        v = c.get(notes_url(w, f) + "/verify", headers=h(c, w, "carol")).json()
        assert v["ok"] is True, (f["file_number"], v)
    assert c.get(notes_url(w, main) + "/verify", headers=h(c, w, "carol")).json()["checked"] == 3
    # the part cannot be merged twice nor written on
    assert_problem(c.post(notes_url(w, part), headers=h(c, w, "carol"), json={"body": "late"}), 409)
    pe = c.get(files_url(w) + "/" + part["id"], headers=h(c, w, "carol")).headers["etag"]
    assert_problem(move(c, w, "carol", part, pe, action="reopen"), 409, "file-closed")
    rows = db.psql("SELECT count(*) FROM dept_%s.part_merges WHERE part_id = '%s'" % (w["a"], part["id"])).stdout.strip()
    assert rows == "2"
