"""Clear errors (issue 26): a 400 for a bad body names EVERY wrong member, not the first, each with its
JSON Pointer and an English and a Hindi sentence, in every family (e-File, dispatch, HRMS/leave, APAR,
training), over HTTP/2. The check is the contract's request schema, run where each handler reads its
body (lib/http/schema.c)."""
import uuid

import httpx
import pytest

from conftest import Server, keyed_env
from test_auth import Officers, bearer, tokens

ROLES = "officer,section_officer,hr_admin,dispatch_clerk,training_nodal,establishment,apar_custodian"


@pytest.fixture(scope="module")
def w(db, tmp_path_factory):
    env = keyed_env(db)
    a = db.add_dept("ferra")
    off = Officers(db, str(tmp_path_factory.mktemp("pw")))
    boss = off.add(a, ROLES, name="Asha Verma")[0]
    s = Server(env_extra=env)
    s.wait_ready()
    yield dict(a=a, boss=boss, server=s)
    s.stop()


@pytest.fixture(scope="module")
def c(w):
    with httpx.Client(base_url=w["server"].url, http2=True, http1=False, timeout=20) as client:
        yield client


@pytest.fixture(scope="module")
def h(c, w):
    return bearer(tokens(c, w["boss"])["access_token"])


def wrong(r, *pointers):
    """The problem of r names exactly these pointers, each with English and Hindi sentences."""
    assert r.http_version == "HTTP/2", r.http_version
    assert r.status_code == 400, (r.status_code, r.text)
    p = r.json()
    assert p["type"] == "urn:daftar:problem:invalid-request", p
    got = sorted(e.get("pointer") for e in p["errors"])
    assert got == sorted(pointers), p
    for e in p["errors"]:
        assert e["detail"] and e["detail_hi"] and e["reason"], e
        assert any("\u0900" <= ch <= "\u097f" for ch in e["detail_hi"]), e  # Devanagari
        assert e["field"] == e["pointer"][1:], e
    return p


def test_efile_create_file_reports_all_three(c, w, h):
    r = c.post("/v1/departments/%s/files" % w["a"], headers=h,
               json={"subject": "", "section": 5, "classification": "ultra-secret"})
    p = wrong(r, "/subject", "/section", "/classification")
    assert "3 members" in p["detail"], p
    by = {e["pointer"]: e for e in p["errors"]}
    assert by["/section"]["detail"] == "Expected a string." and by["/classification"]["detail"].startswith("One of:")


def test_efile_receipt_missing_and_unknown_members(c, w, h):
    r = c.post("/v1/departments/%s/receipts" % w["a"], headers=h,
               json={"sender": "Collector", "mode": "pigeon", "letter_date": "2026-02-30", "colour": "red"})
    p = wrong(r, "/subject", "/mode", "/letter_date", "/colour")
    by = {e["pointer"]: e["reason"] for e in p["errors"]}
    assert by == {"/subject": "required", "/mode": "invalid", "/letter_date": "invalid", "/colour": "unknown_field"}


def test_dispatch_issue_and_status(c, w, h):
    r = c.post("/v1/departments/%s/dispatches" % w["a"], headers=h, json={"draft_id": "not-an-id", "via": 1, "to": 2})
    wrong(r, "/draft_id", "/via", "/to")
    r = c.post("/v1/departments/%s/dispatches/%s/status" % (w["a"], uuid.uuid4()), headers=dict(h, **{"if-match": '"1"'}),
               json={"status": "vanished", "consignment": 7, "remarks": "x" * 5000})
    wrong(r, "/status", "/consignment", "/remarks")


def test_leave_application_reports_all_three(c, w, h):
    r = c.post("/v1/departments/%s/leave/applications" % w["a"], headers=h,
               json={"type": 5, "from_date": "2026-02-30", "reason": ["x"]})
    p = wrong(r, "/type", "/from_date", "/to_date", "/reason")
    assert {e["pointer"]: e["reason"] for e in p["errors"]}["/to_date"] == "required"


def test_apar_cycle_reports_all_three(c, w, h):
    r = c.post("/v1/departments/%s/apar/cycles" % w["a"], headers=h,
               json={"year": "2026", "self_due": "tomorrow", "reviewing_due": 3})
    wrong(r, "/year", "/self_due", "/reviewing_due")


def test_training_assignment_reports_all_three(c, w, h):
    r = c.post("/v1/departments/%s/training/assignments" % w["a"], headers=h,
               json={"course_id": "nope", "deadline": "soon", "target": 500})
    p = wrong(r, "/course_id", "/deadline", "/target")
    assert {e["pointer"]: e["detail"] for e in p["errors"]}["/target"] == "A number from 1 to 100."


def test_nested_members_have_their_own_pointer(c, w, h):
    r = c.post("/v1/departments/%s/files/%s/drafts" % (w["a"], uuid.uuid4()), headers=h,
               json={"subject": "A letter", "addressees": [{"name": "Collector", "mode": "post"}, {"name": 5, "mode": "pigeon"}]})
    p = r.json()
    assert r.status_code == 400 and {e["pointer"] for e in p["errors"]} == {"/addressees/1/name", "/addressees/1/mode"}, p


def test_hindi_detail_with_accept_language(c, w, h):
    r = c.post("/v1/departments/%s/files" % w["a"], headers=dict(h, **{"accept-language": "hi"}),
               json={"subject": "A file", "section": "GEN", "priority": "whenever"})
    p = wrong(r, "/priority")
    assert p["errors"][0]["detail_hi"].startswith("इनमें से एक"), p


def test_a_single_handler_error_still_has_its_pointer(c, w, h):
    """What the schema cannot say (a UID's check digit) is the handler's, reported as before, with a pointer."""
    r = c.post("/v1/departments/%s/delegations" % w["a"], headers=h,
               json={"delegate": "10000000010", "valid_until": "2099-01-01", "reason": "Tour"})
    assert r.status_code == 400, r.text
    e = r.json()["errors"][0]
    assert (e["field"], e["pointer"], e["reason"]) == ("delegate", "/delegate", "check_digit") and e["detail_hi"], e


def test_a_valid_body_still_passes(c, w, h):
    r = c.post("/v1/departments/%s/files" % w["a"], headers=h, json={"subject": "All in order", "section": "GEN"})
    assert r.status_code in (201, 422), r.text  # 422: no such section here; the body itself is valid
