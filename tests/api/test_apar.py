"""APAR (issue 20) in the statewide scope apar: a department's custodian opens the cycle and maps each
officer's chain (authorities from any department); the form moves self -> reporting -> reviewing ->
accepting -> disclosure -> representation -> decision -> closed, a missed date moving it on by itself;
content is shown level by level only to whom it may be, and every content read is recorded."""
import datetime
import time

import httpx
import pytest

from conftest import Server, keyed_env
from test_auth import Officers, bearer, tokens

YEAR = datetime.date.today().year  # the cycle's dates fall in the next year: still ahead


@pytest.fixture(scope="module")
def w(db, tmp_path_factory):
    a, b = db.add_dept("apa"), db.add_dept("apb")
    off = Officers(db, str(tmp_path_factory.mktemp("pw")))
    p = {"cu": off.add(a, "officer,apar_custodian")[0], "o": off.add(a, "officer")[0], "p": off.add(a, "officer")[0],
         "r1": off.add(a, "officer")[0], "x": off.add(a, "officer")[0], "r2": off.add(b, "officer")[0],
         "r3": off.add(b, "officer")[0], "r4": off.add(b, "officer")[0], "cu_b": off.add(b, "officer,apar_custodian")[0]}
    s = Server(env_extra=keyed_env(db, DAFTAR_TIMERS_RESCAN_MS="100"))
    s.wait_ready()
    with httpx.Client(base_url=s.url, http1=False, http2=True, timeout=20) as c:
        t = {k: bearer(tokens(c, uid)["access_token"]) for k, uid in p.items()}
    yield dict(p, a=a, b=b, t=t, db=db, server=s)
    s.stop()


@pytest.fixture
def c(w):
    with httpx.Client(base_url=w["server"].url, http1=False, http2=True, timeout=20) as client:
        yield client


def dept(w, rest, d=None):
    return "/v1/departments/%s/apar%s" % (d or w["a"], rest)


def form_of(c, w, uid):
    return [f for f in c.get("/v1/apar/forms", headers=w["t"]["o"] if uid == w["o"] else w["t"]["p"]).json()
            if f["uid"] == uid][0]


def get(c, w, who, fid):
    return c.get("/v1/apar/forms/" + fid, headers=w["t"][who])


def submit(c, w, who, fid, **body):
    etag = get(c, w, who, fid).headers.get("etag", '"1"')
    return c.post("/v1/apar/forms/%s/submissions" % fid, json=body, headers=dict(w["t"][who], **{"If-Match": etag}))


def levels(c, w, who, fid):
    r = get(c, w, who, fid)
    return None if r.status_code == 404 else [(s["level"], bool(s["content"].get("not_reported"))) for s in r.json()["submissions"]]


def fire(w, fid):
    """The form's stage date has passed: its timer made due now (tests do not move clocks)."""
    w["db"].psql("UPDATE state_apar.timers SET due_at = now() - interval '1 second' WHERE subject = '%s' "
                 "AND fired_at IS NULL; NOTIFY daftar_timers" % fid)


def wait_stage(c, w, who, fid, stage):
    for _ in range(100):
        r = get(c, w, who, fid).json()
        if r["stage"] == stage:
            return r
        time.sleep(0.1)
    raise AssertionError("form %s stays at %s, not %s" % (fid, r["stage"], stage))


def test_a_form_from_cycle_to_closure(c, w):
    t = w["t"]
    assert c.post(dept(w, "/cycles"), json={"year": YEAR}, headers=t["o"]).status_code == 403
    r = c.post(dept(w, "/cycles"), json={"year": YEAR}, headers=t["cu"])
    assert r.status_code == 201, r.text
    cycle = r.json()
    assert cycle["forms"] == 5 and cycle["self_due"] == "%d-05-15" % (YEAR + 1)
    assert c.post(dept(w, "/cycles"), json={"year": YEAR}, headers=t["cu"]).status_code == 409
    comp = c.get(dept(w, "/cycles/%s/completeness" % cycle["id"]), headers=t["cu"]).json()
    assert len(comp["without_chain"]) == 5 and comp["without_form"] == []
    w["cycle"] = cycle["id"]
    dash = c.get(dept(w, "/cycles/" + cycle["id"]), headers=t["cu"]).json()
    fo = [f for f in dash["forms"] if f["uid"] == w["o"]][0]
    w["form"] = fid = fo["id"]
    chain = {"reporting": w["r1"], "reviewing": w["r2"], "accepting": w["r3"],
             "period_from": "%d-04-01" % YEAR, "period_to": "%d-03-31" % (YEAR + 1)}
    chain_url = dept(w, "/forms/%s/chain" % fid)
    bad = [(dict(chain, reporting=w["o"]), "officer reported on"), (dict(chain, reviewing=w["r1"]), "two levels"),
           (dict(chain, period_from="%d-01-01" % YEAR), "within the cycle")]
    for body, words in bad:
        r = c.put(chain_url, json=body, headers=dict(t["cu"], **{"If-Match": '"%d"' % fo["version"]}))
        assert r.status_code == 422 and words in r.json()["detail"], (words, r.text)
    r = c.put(chain_url, json=chain, headers=dict(t["cu"], **{"If-Match": '"%d"' % fo["version"]}))
    assert r.status_code == 200 and r.json()["reporting"] == w["r1"], r.text
    # self-appraisal: the officer's turn; the authorities see that the form exists, not yet content
    r = submit(c, w, "r1", fid, work_output=7)
    assert r.status_code == 409
    r = submit(c, w, "o", fid, targets="Clear 200 files", achievements="Cleared 240 files; ई-ऑफिस प्रशिक्षण")
    assert r.status_code == 200 and r.json()["stage"] == "reporting", r.text
    # reporting: grades with weights; 8 or more needs a justification
    r = submit(c, w, "r1", fid, work_output=9, personal_attributes=9, functional_competency=9, pen_picture="Excellent",
               integrity="Beyond doubt")
    assert r.status_code == 422 and "justification" in r.json()["detail"]
    r = submit(c, w, "r1", fid, work_output=11, personal_attributes=9, functional_competency=9, pen_picture="x", integrity="y")
    assert r.status_code == 400 and "work_output" in r.text
    r = submit(c, w, "r1", fid, work_output=7, personal_attributes=6, functional_competency=8, pen_picture="Diligent",
               integrity="Beyond doubt")
    assert r.status_code == 200 and r.json()["stage"] == "reviewing", r.text
    # the reviewing authority misses its date: the form moves on by itself
    fire(w, fid)
    wait_stage(c, w, "o", fid, "accepting")
    assert levels(c, w, "r3", fid) == [("self", False), ("reporting", False), ("reviewing", True)]
    r = get(c, w, "r3", fid).json()
    assert r["submissions"][1]["content"]["overall"] == 7.0  # 0.4 x 7 + 0.3 x 6 + 0.3 x 8
    r = submit(c, w, "r3", fid, agree=True)
    assert r.status_code == 200 and r.json()["stage"] == "disclosure", r.text
    # disclosed on its date; the officer then sees everything and represents
    assert levels(c, w, "o", fid) == [("self", False)]
    fire(w, fid)
    wait_stage(c, w, "o", fid, "representation")
    seen = get(c, w, "o", fid).json()
    assert [s["level"] for s in seen["submissions"]] == ["self", "reporting", "reviewing", "accepting"]
    assert seen["accepted_grade"] == 7.0
    r = submit(c, w, "o", fid, representation="My work output deserves 8: 240 files against a target of 200.")
    assert r.status_code == 200 and r.json()["stage"] == "decision", r.text
    assert submit(c, w, "r3", fid, final_grade=8).status_code == 422  # reasons
    r = submit(c, w, "r3", fid, final_grade=8, reasons="Representation upheld: output well above target.")
    assert r.status_code == 200 and r.json()["stage"] == "closed", r.text
    done = get(c, w, "o", fid).json()
    assert done["accepted_grade"] == 7.0 and done["final_grade"] == 8.0  # both recorded
    assert [s["level"] for s in done["submissions"]][-2:] == ["representation", "decision"]
    # the officer's own download has the form and all it may read
    mine = c.get("/v1/me/data", headers=t["o"]).json()["apar"]["forms"]
    assert [(f["stage"], len(f["submissions"])) for f in mine] == [("closed", 6)]


def test_who_sees_what(c, w):
    """The visibility matrix on a form at the reviewing stage, then after disclosure."""
    t = w["t"]
    dash = c.get(dept(w, "/cycles/" + w["cycle"]), headers=t["cu"]).json()
    fp = [f for f in dash["forms"] if f["uid"] == w["p"]][0]
    chain = {"reporting": w["r1"], "reviewing": w["r2"], "accepting": w["r4"],
             "period_from": "%d-04-01" % YEAR, "period_to": "%d-03-31" % (YEAR + 1)}
    assert c.put(dept(w, "/forms/%s/chain" % fp["id"]), json=chain,
                 headers=dict(t["cu"], **{"If-Match": '"%d"' % fp["version"]})).status_code == 200
    fid = fp["id"]
    assert submit(c, w, "p", fid, targets="T", achievements="A").status_code == 200
    assert submit(c, w, "r1", fid, work_output=6, personal_attributes=6, functional_competency=6, pen_picture="Steady",
                  integrity="Good").status_code == 200
    reads_before = len(c.get(dept(w, "/forms/%s/reads" % fid), headers=t["cu"]).json())
    shown = 0
    # at reviewing: the officer sees only their self-appraisal; the reporting authority (an earlier level)
    # only its own; the reviewing authority (its turn) and the accepting one (later) the earlier levels;
    # the custodian the stage, on the department's dashboard; anyone else nothing
    expect = {"p": ["self"], "r1": ["reporting"], "r2": ["self", "reporting"], "r4": ["self", "reporting"]}
    for who, want in expect.items():
        r = get(c, w, who, fid)
        assert r.status_code == 200 and r.json()["stage"] == "reviewing", who
        assert [s["level"] for s in r.json()["submissions"]] == want, (who, r.json()["submissions"])
        assert ("final_grade" in r.json()) == (who == "r4"), who
        shown += 1 if want else 0
    dash = c.get(dept(w, "/cycles/" + w["cycle"]), headers=t["cu"]).json()
    assert [f["stage"] for f in dash["forms"] if f["id"] == fid] == ["reviewing"] and "Steady" not in str(dash)
    for who in ("x", "r3", "cu_b", "o", "cu"):
        assert get(c, w, who, fid).status_code == 404, who
        assert submit(c, w, who, fid, agree=True).status_code == 404, who
    assert c.get(dept(w, "/forms/%s/reads" % fid, w["b"]), headers=t["cu_b"]).status_code == 404
    assert c.get(dept(w, "/forms/%s/reads" % fid), headers=t["x"]).status_code == 404
    assert c.put(dept(w, "/forms/%s/chain" % fid), json=chain, headers=dict(t["x"], **{"If-Match": '"1"'})).status_code == 404
    # every read that showed content is recorded, with who and which levels
    reads = c.get(dept(w, "/forms/%s/reads" % fid), headers=t["cu"]).json()
    assert len(reads) - reads_before == shown
    assert {(r["by"], tuple(sorted(r["levels"]))) for r in reads[reads_before:]} == \
        {(w[k], tuple(sorted(v))) for k, v in expect.items() if v}
    # the database refuses the same through the scope's role: a statement that forgot every rule
    sql = ("BEGIN; SET LOCAL ROLE state_apar; SELECT set_config('daftar.officer_uid', '%s', true), "
           "set_config('daftar.roles', ',', true), set_config('daftar.dept', '', true); "
           "SELECT count(*) FROM state_apar.submissions WHERE form = '%s'; COMMIT;")
    assert w["db"].psql(sql % (w["x"], fid), user="daftar_api").stdout.split()[-1] == "0"
    assert w["db"].psql(sql % (w["p"], fid), user="daftar_api").stdout.split()[-1] == "1"
    assert w["db"].psql(sql % (w["r2"], fid), user="daftar_api").stdout.split()[-1] == "2"


def test_recusal_short_periods_and_completeness(c, w):
    t = w["t"]
    dash = c.get(dept(w, "/cycles/" + w["cycle"]), headers=t["cu"]).json()
    fx = [f for f in dash["forms"] if f["uid"] == w["x"]][0]
    short = {"reporting": w["r1"], "reviewing": w["r2"], "accepting": w["r3"],
             "period_from": "%d-04-01" % YEAR, "period_to": "%d-06-15" % YEAR}
    r = c.put(dept(w, "/forms/%s/chain" % fx["id"]), json=short, headers=dict(t["cu"], **{"If-Match": '"%d"' % fx["version"]}))
    assert r.status_code == 200 and r.json()["stage"] == "no_report" and "76 days" in r.json()["no_report_reason"]
    fr = [f for f in dash["forms"] if f["uid"] == w["r1"]][0]
    full = dict(short, reporting=w["o"], reviewing=w["r2"], accepting=w["r3"], period_to="%d-03-31" % (YEAR + 1))
    r = c.put(dept(w, "/forms/%s/chain" % fr["id"]), json=full, headers=dict(t["cu"], **{"If-Match": '"%d"' % fr["version"]}))
    assert r.status_code == 200, r.text
    assert c.post("/v1/apar/forms/%s/recusal" % fr["id"], json={"reason": "x"}, headers=t["r1"]).status_code == 403
    r = c.post("/v1/apar/forms/%s/recusal" % fr["id"], json={"reason": "Related to the officer"}, headers=t["r2"])
    assert r.status_code == 200, r.text
    comp = c.get(dept(w, "/cycles/%s/completeness" % w["cycle"]), headers=t["cu"]).json()
    assert {"form": fr["id"], "uid": w["r1"], "missing": ["reviewing"]} in comp["without_chain"]
    assert [x["form"] for x in comp["no_report"]] == [fx["id"]]
    assert comp["recusals"][0]["reason"] == "Related to the officer"
    assert c.get(dept(w, "/cycles/%s/completeness" % w["cycle"], w["b"]), headers=t["cu_b"]).status_code == 404
    # the custodian's dashboard: stages and dates, never content
    dash = c.get(dept(w, "/cycles/" + w["cycle"]), headers=t["cu"]).json()
    assert dash["stages"]["closed"] == 1 and dash["stages"]["no_report"] == 1
    assert "submissions" not in str(dash) and "Diligent" not in str(dash)
