"""The printable notesheet (issue 27): GET .../files/{id}/notesheet.pdf renders the notes, their authors and
signature status and the file's track as a PDF (Cairo + Pango, Devanagari shaped by HarfBuzz) on a worker
thread; read back here with pdftotext (poppler-utils)."""
import subprocess
import unicodedata

from conftest import assert_problem
from test_files import TRUSTED, c, client, create, files_url, h, move, notes_url, otp_token, w  # noqa: F401 (fixtures)

HINDI = "वित्त विभाग की राय: प्रस्ताव स्वीकृत किया जाए।"


def pdf_url(w, f):
    return files_url(w) + "/%s/notesheet.pdf" % f["id"]


def text_of(pdf):
    p = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True)
    return unicodedata.normalize("NFC", p.stdout.decode("utf-8"))


def words(s):
    return set(unicodedata.normalize("NFC", s).split())


def test_the_notesheet_pdf_has_the_notes_authors_and_track(c, w):
    f, etag = create(c, w, "alice", subject="Printable notesheet सड़क निर्माण")
    assert c.post(notes_url(w, f), headers=h(c, w, "alice"), json={"body": "Para 1: the estimate is examined."}).status_code == 201
    f, etag = move(c, w, "alice", f, etag, action="forward", to=w["bob"], remarks="Please see").json(), None
    assert c.post(notes_url(w, f), headers=h(c, w, "bob"), json={"body": HINDI}).status_code == 201
    r = c.get(pdf_url(w, f), headers=h(c, w, "bob"))
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/pdf" and r.content.startswith(b"%PDF-")
    assert "content-encoding" not in r.headers
    disp = r.headers["content-disposition"]
    assert disp.startswith("attachment; filename=\"notesheet-") and disp.endswith(".pdf\"") and "/" not in disp[22:]
    assert r.headers["etag"].startswith("W/\"")
    text = text_of(r.content)
    officers = c.get(notes_url(w, f), headers=h(c, w, "bob")).json()["officers"]
    assert f["file_number"] in text and "Printable notesheet" in text
    assert "Para 1: the estimate is examined." in text
    for uid in (w["alice"], w["bob"]):
        assert officers[uid]["name"] in text
    assert officers[w["alice"]]["designation"] in text
    # Devanagari: pdftotext gives back these words exactly (shaped conjuncts such as त्त and स्व
    # come back in logical order from Pango's ToUnicode maps)
    got = words(text)
    for word in ("वित्त", "विभाग", "की", "राय:", "प्रस्ताव", "किया", "जाए।"):
        assert word in got, (word, text)
    # each note's status, and the track with its remarks
    assert "unsigned" in text and "draft" in text
    assert "forward" in text and "Please see" in text
    # a caller who asks again for the same content gets the same ETag
    assert c.get(pdf_url(w, f), headers=h(c, w, "bob")).headers["etag"] == r.headers["etag"]


def test_outsiders_get_404_and_other_departments_403(c, w):
    f, _ = create(c, w, "alice")
    c.post(notes_url(w, f), headers=h(c, w, "alice"), json={"body": "private"})
    assert_problem(c.get(pdf_url(w, f), headers=h(c, w, "dave")), 404)
    assert_problem(c.get(pdf_url(w, f), headers=h(c, w, "eve")), 403)
    assert_problem(c.get(files_url(w) + "/00000000-0000-4000-8000-000000000000/notesheet.pdf",
                         headers=h(c, w, "alice")), 404)


def test_a_confidential_notesheet_print_is_audited(w, db):
    with client(w, TRUSTED) as t:
        ho = otp_token(t, w, "conf")
        r = t.post(files_url(w), headers=ho, json={"subject": "Vigilance", "section": "VIG",
                                                   "classification": "confidential"})
        assert r.status_code == 201, r.text
        f = r.json()
        assert t.post(notes_url(w, f), headers=ho, json={"body": "गोपनीय टिप्पणी"}).status_code == 201
        r = t.get(pdf_url(w, f), headers=ho)
        assert r.status_code == 200, r.text
        n = db.psql("SELECT count(*) FROM dept_%s.audit_events WHERE action = 'notesheet.print' AND object_id = '%s'"
                    % (w["a"], f["id"])).stdout.strip()
        assert int(n) == 1
    with client(w) as u:  # from an untrusted address, as for the file itself
        assert_problem(u.get(pdf_url(w, f), headers=ho), 404)


def test_a_long_notesheet_is_refused_with_a_problem(c, w, db):
    f, _ = create(c, w, "alice")
    db.psql("INSERT INTO dept_%s.notes (file_id, n, author, body, status, hash) "
            "SELECT '%s', g, '%s', 'note ' || g, 'draft', repeat('0', 64) FROM generate_series(1, 501) g"
            % (w["a"], f["id"], w["alice"]))
    r = c.get(pdf_url(w, f), headers=h(c, w, "alice"))
    assert_problem(r, 422)
    assert "500" in r.json()["detail"]
