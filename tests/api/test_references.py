"""References (flags) on notes and links between files (issue 27): a note flags a receipt, a document or an
earlier note of its file; the reader follows the flag to the thing; flags survive the note becoming final and
never change after; links show only to whoever may see both files."""
from conftest import assert_problem
from test_files import PDF, c, create, docs_url, files_url, h, move, notes_url, w  # noqa: F401 (fixtures)
from test_receipts import receipts_url, register


def flag(c, w, who, f, n, **body):
    return c.post(notes_url(w, f) + "/%d/flags" % n, headers=h(c, w, who), json=body)


def test_flags_are_followed_and_survive_the_note_becoming_final(c, w, db):
    f, etag = create(c, w, "alice", subject="Flagged file")
    x = register(c, w, "alice", subject="पत्र जिस पर टिप्पणी है").json()
    assert c.post(receipts_url(w) + "/%s/file" % x["id"], headers=h(c, w, "alice"), json={"file_id": f["id"]}).status_code == 200
    doc = c.post(docs_url(w, f), params={"filename": "annex.pdf"}, content=PDF,
                 headers=dict(h(c, w, "alice"), **{"content-type": "application/pdf"})).json()
    assert c.post(notes_url(w, f), headers=h(c, w, "alice"), json={"body": "पत्र देखें"}).status_code == 201
    assert c.post(notes_url(w, f), headers=h(c, w, "alice"), json={"body": "See annex and note 1"}).status_code == 201
    r = flag(c, w, "alice", f, 1, kind="receipt", receipt_id=x["id"], label="F/A")
    assert r.status_code == 201, r.text
    assert flag(c, w, "alice", f, 2, kind="document", document_id=doc["id"], label="F/B").status_code == 201
    assert flag(c, w, "alice", f, 2, kind="note", note=1).status_code == 201
    # refused: a later note, a receipt or document of another file, someone who does not hold the file
    assert_problem(flag(c, w, "alice", f, 1, kind="note", note=2), 422)
    other, _ = create(c, w, "alice", subject="Other")
    odoc = c.post(docs_url(w, other), params={"filename": "o.pdf"}, content=PDF,
                  headers=dict(h(c, w, "alice"), **{"content-type": "application/pdf"})).json()
    assert_problem(flag(c, w, "alice", f, 2, kind="document", document_id=odoc["id"]), 422)
    assert_problem(flag(c, w, "alice", f, 2, kind="receipt"), 400)
    assert_problem(flag(c, w, "bob", f, 2, kind="note", note=1), 404)
    # drafts' flags are the author's alone, like the drafts
    assert c.get(files_url(w) + "/%s/flags" % f["id"], headers=h(c, w, "rec")).json()["items"] == []
    r = move(c, w, "alice", f, etag, action="forward", to=w["bob"])
    assert r.status_code == 201, r.text
    flags = c.get(files_url(w) + "/%s/flags" % f["id"], headers=h(c, w, "bob"))
    assert flags.status_code == 200, flags.text
    items = flags.json()["items"]
    assert [(g["n"], g["kind"]) for g in items] == [(1, "receipt"), (2, "document"), (2, "note")]
    # the reader follows each flag to the thing
    got = c.get(items[0]["href"], headers=h(c, w, "bob"))
    assert got.status_code == 200 and got.json()["subject"] == "पत्र जिस पर टिप्पणी है"
    assert items[0]["target"]["receipt_number"] == x["receipt_number"] and items[0]["label"] == "F/A"
    got = c.get(items[1]["href"], headers=h(c, w, "bob"))
    assert got.status_code == 200 and got.content == PDF
    assert items[2]["target"] == {"n": 1} and items[2]["href"].endswith("/notes#1")
    # final now: flags stay, cannot be added to, and the database refuses changing them
    assert_problem(flag(c, w, "bob", f, 2, kind="note", note=1), 409, "note-final")
    out = db.psql("SELECT count(*) FROM dept_%s.note_flags WHERE file_id = '%s'" % (w["a"], f["id"])).stdout.strip()
    assert out == "3"
    p = db.psql("DELETE FROM dept_%s.note_flags WHERE file_id = '%s'" % (w["a"], f["id"]), check=False)
    assert p.returncode != 0 and "never change" in p.stderr
    assert c.get(notes_url(w, f) + "/verify", headers=h(c, w, "bob")).json()["ok"] is True
    # an officer outside the file reads no flag
    assert_problem(c.get(files_url(w) + "/%s/flags" % f["id"], headers=h(c, w, "dave")), 404)


def test_deleting_a_draft_takes_its_flags_and_renumbers_the_rest(c, w):
    f, _ = create(c, w, "alice", subject="Renumbered")
    for body in ("one", "two", "three"):
        c.post(notes_url(w, f), headers=h(c, w, "alice"), json={"body": body})
    assert flag(c, w, "alice", f, 2, kind="note", note=1).status_code == 201
    assert flag(c, w, "alice", f, 3, kind="note", note=1, label="keep").status_code == 201
    assert c.delete(notes_url(w, f) + "/2", headers=h(c, w, "alice")).status_code == 200
    items = c.get(files_url(w) + "/%s/flags" % f["id"], headers=h(c, w, "alice")).json()["items"]
    assert [(g["n"], g["target"], g["label"]) for g in items] == [(2, {"n": 1}, "keep")]


def test_links_between_files_show_only_to_whoever_may_see_both(c, w):
    f, _ = create(c, w, "alice", subject="Main matter")
    g, getag = create(c, w, "alice", subject="Related matter")
    secret_for_bob, _ = create(c, w, "carol", subject="Carol's matter")
    assert_problem(c.post(files_url(w) + "/%s/links" % f["id"], headers=h(c, w, "alice"),
                          json={"file_id": secret_for_bob["id"]}), 422)  # alice may not see carol's file
    r = c.post(files_url(w) + "/%s/links" % f["id"], headers=h(c, w, "alice"), json={"file_id": g["id"], "remarks": "see also"})
    assert r.status_code == 201 and r.json()["other"]["id"] == g["id"], r.text
    assert_problem(c.post(files_url(w) + "/%s/links" % g["id"], headers=h(c, w, "alice"), json={"file_id": f["id"]}), 409)
    # both ways, for alice
    assert [x["other"]["id"] for x in c.get(files_url(w) + "/%s/links" % g["id"], headers=h(c, w, "alice")).json()["items"]] == [f["id"]]
    # bob gets f only: he follows no link to g, which he may not see
    r = move(c, w, "alice", f, c.get(files_url(w) + "/" + f["id"], headers=h(c, w, "alice")).headers["etag"],
             action="forward", to=w["bob"])
    assert r.status_code == 201
    assert c.get(files_url(w) + "/%s/links" % f["id"], headers=h(c, w, "bob")).json()["items"] == []
    # the records officer sees both (restricted files) and the link
    assert len(c.get(files_url(w) + "/%s/links" % f["id"], headers=h(c, w, "rec")).json()["items"]) == 1
