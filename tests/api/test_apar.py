"""APAR (issue 20) in the statewide scope apar: a department's custodian opens the cycle and maps each
officer's chain (authorities from any department); the form moves self -> reporting -> reviewing ->
accepting -> disclosure -> representation -> decision -> closed, a missed date moving it on by itself;
content is shown level by level only to whom it may be, and every content read is recorded."""
import datetime
import time

import httpx
import pytest

from conftest import Server, keyed_env, office_today
from pki import CA
from test_auth import Officers, bearer, tokens

YEAR = office_today().year  # the cycle's dates fall in the next year: still ahead


@pytest.fixture(scope="module")
def w(db, tmp_path_factory):
    a, b = db.add_dept("apa"), db.add_dept("apb")
    off = Officers(db, str(tmp_path_factory.mktemp("pw")))
    p = {"cu": off.add(a, "officer,apar_custodian")[0], "o": off.add(a, "officer")[0], "p": off.add(a, "officer")[0],
         "r1": off.add(a, "officer")[0], "x": off.add(a, "officer")[0], "r2": off.add(b, "officer")[0],
         "r3": off.add(b, "officer")[0], "r4": off.add(b, "officer")[0], "cu_b": off.add(b, "officer,apar_custodian")[0],
         "q": off.add(a, "officer")[0], "s": off.add(a, "officer")[0]}
    ca = CA()
    ca_path = str(tmp_path_factory.mktemp("ca") / "ca.pem")
    with open(ca_path, "wb") as fh:
        fh.write(ca.pem())
    s = Server(env_extra=keyed_env(db, DAFTAR_TIMERS_RESCAN_MS="100", DAFTAR_SIGNING_CA=ca_path))
    s.wait_ready()
    with httpx.Client(base_url=s.url, http1=False, http2=True, timeout=20) as c:
        t = {k: bearer(tokens(c, uid)["access_token"]) for k, uid in p.items()}
    yield dict(p, a=a, b=b, t=t, db=db, server=s, ca=ca, off=off)
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
    assert cycle["forms"] == 7 and cycle["self_due"] == "%d-05-15" % (YEAR + 1)
    again = c.post(dept(w, "/cycles"), json={"year": YEAR}, headers=t["cu"])
    assert again.status_code == 409 and again.json()["type"] == "urn:daftar:problem:apar-cycle-open-already", again.text
    comp = c.get(dept(w, "/cycles/%s/completeness" % cycle["id"]), headers=t["cu"]).json()
    assert len(comp["without_chain"]) == 7 and comp["without_form"] == []
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
    # the reviewing authority sits on it past its date (the clock moved on three days, its timer not yet):
    # the custodian's dashboard shows the form and the authority late
    w["db"].psql("UPDATE state_apar.forms SET stage_due = now() - interval '3 days 1 hour' WHERE id = '%s'" % fid)
    dash = c.get(dept(w, "/cycles/" + w["cycle"]), headers=t["cu"]).json()
    assert [f["days_late"] for f in dash["forms"] if f["id"] == fid] == [3]
    assert [a for a in dash["late_by_authority"] if a["authority"] == w["r2"]] == \
        [{"authority": w["r2"], "level": "reviewing", "waiting": 1, "most_days_late": 3, "missed": 0, "days_late_missed": 0}]
    # then the timer: the form moves on by itself, the level "not reported", the move logged and audited
    fire(w, fid)
    wait_stage(c, w, "o", fid, "accepting")
    assert levels(c, w, "r3", fid) == [("self", False), ("reporting", False), ("reviewing", True)]
    dash = c.get(dept(w, "/cycles/" + w["cycle"]), headers=t["cu"]).json()
    assert [a for a in dash["late_by_authority"] if a["authority"] == w["r2"]] == \
        [{"authority": w["r2"], "level": "reviewing", "waiting": 0, "most_days_late": 0, "missed": 1, "days_late_missed": 3}]
    track = get(c, w, "r3", fid).json()["track"]
    assert [(m["from"], m["to"], m["by"], m["authority"], m["missed"], m["days_late"]) for m in track] == [
        ("self", "reporting", w["o"], w["o"], False, 0), ("reporting", "reviewing", w["r1"], w["r1"], False, 0),
        ("reviewing", "accepting", "timer", w["r2"], True, 3)]
    assert [sorted(m) for m in get(c, w, "o", fid).json()["track"]] == [["at", "from", "to"]] * 3  # stages only
    audit = w["db"].psql("SELECT actor, detail->>'from', detail->>'to', detail->>'missed' FROM state_apar.audit "
                         "WHERE action = 'apar.stage' AND subject = '%s' ORDER BY id" % fid).stdout.split()
    assert audit == [w["o"] + "|self|reporting|false", w["r1"] + "|reporting|reviewing|false", "timer|reviewing|accepting|true"]
    # a level recorded as not reported has nothing to sign
    r = c.post("/v1/apar/forms/%s/submissions/3/signature" % fid, json={"signature": "MAA="}, headers=t["r2"])
    assert r.status_code == 403, r.text
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
    # nor does a form's timer tell anyone else that the form exists, or its stage and date
    timers = sql.replace("count(*) FROM state_apar.submissions WHERE form", "count(*) FROM state_apar.timers WHERE subject")
    for who, n in (("x", "0"), ("r3", "0"), ("cu_b", "0"), ("p", "1"), ("r2", "1")):
        assert w["db"].psql(timers % (w[who], fid), user="daftar_api").stdout.split()[-1] == n, who


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


STAGES = ["self", "reporting", "reviewing", "accepting", "disclosure", "representation", "decision", "closed"]
RANK = {s: i for i, s in enumerate(STAGES)}


def oracle(role, stage, level):
    """Who reads which level's content, as the issue says it (kept apart from may_read.sql on purpose):
    before disclosure the authority whose turn it is and the later levels read the earlier levels, an earlier
    level only the stage (and its own part), the officer their self-appraisal; after disclosure the officer
    reads everything; the accepting authority deciding a representation reads it all."""
    if role == "officer":
        return level == "self" or RANK[stage] >= RANK["representation"]
    if level == role or (role == "accepting" and level == "decision") or (role == "accepting" and stage == "decision"):
        return True
    return RANK[level] < RANK[role] and RANK[stage] <= RANK[role]


def full_track(role, stage):
    return RANK[stage] >= RANK["representation"] if role == "officer" else oracle(role, stage, "self")


def as_role(w, rows):
    """Each (who, dept, roles) in its own transaction as role state_apar with the settings a request sets, then
    what a statement that forgot every rule sees of the form: forms, submissions' levels, stage log, signatures."""
    sql = []
    for who, d, roles in rows:
        sql.append("BEGIN; SET LOCAL ROLE state_apar; SELECT 'cfg', set_config('daftar.officer_uid', '%s', true), "
                   "set_config('daftar.roles', '%s', true), set_config('daftar.dept', '%s', true); "
                   "SELECT 'row', '%s', (SELECT count(*) FROM state_apar.forms WHERE id = '{f}'), "
                   "(SELECT coalesce(string_agg(level, ',' ORDER BY seq), '-') FROM state_apar.submissions WHERE form = '{f}'), "
                   "(SELECT count(*) FROM state_apar.stages WHERE form = '{f}'), "
                   "(SELECT count(*) FROM state_apar.signatures WHERE form = '{f}'); COMMIT;" % (w[who], roles, d, who))
    return " ".join(sql)


def test_visibility_matrix(c, w):
    """Officer, each authority before, at and after its turn, the custodian, another officer of the department
    and other departments, at every stage from self-appraisal to closure, x every form route: content only
    where allowed, 404 elsewhere, over HTTP/2 and in SQL as the scope's role; every content read audited."""
    t, db = w["t"], w["db"]
    dash = c.get(dept(w, "/cycles/" + w["cycle"]), headers=t["cu"]).json()
    fq = [f for f in dash["forms"] if f["uid"] == w["q"]][0]
    fid = fq["id"]
    chain = {"reporting": w["r1"], "reviewing": w["r2"], "accepting": w["r4"],
             "period_from": "%d-04-01" % YEAR, "period_to": "%d-03-31" % (YEAR + 1)}
    assert c.put(dept(w, "/forms/%s/chain" % fid), json=chain,
                 headers=dict(t["cu"], **{"If-Match": '"%d"' % fq["version"]})).status_code == 200
    roles = {"q": "officer", "r1": "reporting", "r2": "reviewing", "r4": "accepting"}
    outsiders = ["x", "o", "r3", "cu_b", "cu"]  # cu: the custodian reads stages on its dashboard only
    signer = w["ca"].issue("Reporting Officer R1")
    assert c.post("/v1/me/certificates", json=signer.registration(w["r1"]), headers=t["r1"]).status_code == 201
    reads_at = [0]
    shown = []
    state = {"done": [], "moves": 0, "signed": False}

    def check(stage):
        done = state["done"]
        reads_at[0] = len(c.get(dept(w, "/forms/%s/reads" % fid), headers=t["cu"]).json())  # submit() reads too
        for who, role in roles.items():
            r = get(c, w, who, fid)
            assert r.status_code == 200, (stage, who)
            f = r.json()
            want = [lv for lv in done if oracle(role, stage, lv)]
            assert f["stage"] == stage and [x["level"] for x in f["submissions"]] == want, (stage, who, f["submissions"])
            assert ("final_grade" in f) == (role == "accepting" or RANK[stage] >= RANK["representation"]), (stage, who)
            assert len(f["track"]) == state["moves"] and \
                all(("missed" in m) == full_track(role, stage) for m in f["track"]), (stage, who, f["track"])
            assert f["training"]["status"] == "none", (stage, who)
            if want:
                shown.append((w[who], tuple(sorted(set(want)))))
            assert fid in [x["id"] for x in c.get("/v1/apar/forms", headers=t[who]).json()], (stage, who)
        for who in outsiders:
            assert get(c, w, who, fid).status_code == 404, (stage, who)
            assert fid not in [x["id"] for x in c.get("/v1/apar/forms", headers=t[who]).json()], (stage, who)
            assert submit(c, w, who, fid, agree=True).status_code == 404, (stage, who)
            r = c.post("/v1/apar/forms/%s/recusal" % fid, json={"reason": "x"}, headers=t[who])
            assert r.status_code == 404, (stage, who, r.text)
            r = c.post("/v1/apar/forms/%s/submissions/1/signature" % fid, json={"signature": "MAA="}, headers=t[who])
            assert r.status_code == 404, (stage, who, r.text)
        for who in ("x", "q", "r1", "r2", "r4"):  # the custodian's routes: the department's custodian alone
            assert c.get(dept(w, "/forms/%s/reads" % fid), headers=t[who]).status_code in (403, 404), (stage, who)
            assert c.put(dept(w, "/forms/%s/chain" % fid), json=chain,
                         headers=dict(t[who], **{"If-Match": '"1"'})).status_code in (403, 404), (stage, who)
        assert c.get(dept(w, "/forms/%s/reads" % fid, w["b"]), headers=t["cu_b"]).status_code == 404
        dash = c.get(dept(w, "/cycles/" + w["cycle"]), headers=t["cu"]).json()
        assert [x["stage"] for x in dash["forms"] if x["id"] == fid] == [stage]
        assert "Sharp" not in str(dash) and "pen_picture" not in str(dash) and "final_grade" not in str(dash)
        # every content read is in the read audit, by who and which levels
        reads = c.get(dept(w, "/forms/%s/reads" % fid), headers=t["cu"]).json()
        got = [(x["by"], tuple(sorted(x["levels"]))) for x in reads[reads_at[0]:]]
        assert sorted(got) == sorted(shown), (stage, got, shown)
        shown.clear()
        # the database alone: a statement as the role with each caller's settings
        rows = [(who, "", ",officer,") for who in roles] + [(who, "", ",officer,") for who in ("x", "o", "r3")] + \
            [("cu", w["a"], ",officer,apar_custodian,"), ("cu", "", ",officer,apar_custodian,"),
             ("cu_b", w["b"], ",officer,apar_custodian,")]
        out = [ln.split("|")[1:] for ln in db.psql(as_role(w, rows).replace("{f}", fid), user="daftar_api").stdout.split("\n")
               if ln.startswith("row|")]
        seen = {(who, n): (int(fc), lv, int(st), int(sg)) for n, (who, fc, lv, st, sg) in enumerate(out)}
        for n, (who, d, _) in enumerate(rows):
            role = roles.get(who)
            if role:
                want = [lv for lv in done if oracle(role, stage, lv)]
                moves = state["moves"] if full_track(role, stage) else 0
                sigs = 1 if state["signed"] and oracle(role, stage, "reporting") else 0
                assert seen[(who, n)] == (1, ",".join(want) or "-", moves, sigs), (stage, who, seen[(who, n)])
            elif who == "cu" and d == w["a"]:
                assert seen[(who, n)] == (1, "-", state["moves"], 0), (stage, who, seen[(who, n)])
            else:
                assert seen[(who, n)] == (0, "-", 0, 0), (stage, who, d, seen[(who, n)])

    def step(who, stage_after, level, **body):
        r = submit(c, w, who, fid, **body)
        assert r.status_code == 200 and r.json()["stage"] == stage_after, (who, r.text)
        state["done"].append(level)
        state["moves"] += 1

    check("self")
    step("q", "reporting", "self", targets="Settle 50 pension cases", achievements="Settled 61 cases")
    check("reporting")
    for who in ("q", "r2", "r4"):  # not their turn: a type of its own, and a Hindi detail
        r = submit(c, w, who, fid, agree=True)
        assert r.status_code == 409 and r.json()["type"] == "urn:daftar:problem:apar-not-your-stage", (who, r.text)
    etag = get(c, w, "r2", fid).headers.get("etag", '"1"')
    hi = c.post("/v1/apar/forms/%s/submissions" % fid, json={"agree": True},
                headers=dict(t["r2"], **{"If-Match": etag, "Accept-Language": "hi"}))
    assert hi.json()["type"] == "urn:daftar:problem:apar-not-your-stage" and "स्तर" in hi.json()["detail"], hi.text
    # an overall grade under 4 needs a justification, as 8 and above does
    low = dict(work_output=3, personal_attributes=3, functional_competency=4, pen_picture="Sharp decline", integrity="Good")
    r = submit(c, w, "r1", fid, **low)
    assert r.status_code == 422 and "3.30" in r.json()["detail"] and "justification" in r.json()["detail"], r.text
    step("r1", "reviewing", "reporting", justification="Long absences; files pending over 90 days.", **low)
    # the reporting authority signs its part: the submission's hash, with its registered certificate
    part = get(c, w, "r2", fid).json()["submissions"][1]
    sig_url = "/v1/apar/forms/%s/submissions/%d/signature" % (fid, part["seq"])
    other = w["ca"].issue("Not Registered")
    assert c.post(sig_url, json={"signature": other.sign(part["hash"])}, headers=t["r1"]).status_code == 422
    assert c.post(sig_url, json={"signature": signer.sign("0" * 64)}, headers=t["r1"]).status_code == 422
    assert c.post(sig_url, json={"signature": signer.sign(part["hash"])}, headers=t["r2"]).status_code == 403
    r = c.post(sig_url, json={"signature": signer.sign(part["hash"])}, headers=t["r1"])
    assert r.status_code == 201 and r.json()["signer"] == w["r1"] and r.json()["hash"] == part["hash"], r.text
    assert "Reporting Officer R1" in r.json()["subject"] and r.json()["fingerprint"] == signer.fingerprint()
    r = c.post(sig_url, json={"signature": signer.sign(part["hash"])}, headers=t["r1"])
    assert r.status_code == 409 and r.json()["type"] == "urn:daftar:problem:apar-part-signed-already", r.text
    assert get(c, w, "r2", fid).json()["submissions"][1]["signature"]["fingerprint"] == signer.fingerprint()
    state["signed"] = True
    check("reviewing")
    r = c.post("/v1/apar/forms/%s/recusal" % fid, json={"reason": "late"}, headers=t["r1"])
    assert r.status_code == 409 and r.json()["type"] == "urn:daftar:problem:apar-level-reported", r.text
    r = submit(c, w, "r2", fid, agree=False, work_output=5, personal_attributes=5, functional_competency=5,
               pen_picture="Average", integrity="Good")
    assert r.status_code == 422 and "reasons" in r.json()["detail"], r.text
    step("r2", "accepting", "reviewing", agree=False, work_output=5, personal_attributes=5, functional_competency=5,
         pen_picture="Average", integrity="Good", reasons="The absences were sanctioned medical leave.")
    check("accepting")
    step("r4", "disclosure", "accepting", final_grade=5, reasons="As the reviewing authority: leave was sanctioned.")
    check("disclosure")
    fire(w, fid)
    wait_stage(c, w, "q", fid, "representation")
    state["moves"] += 1
    check("representation")
    step("q", "decision", "representation", representation="My 61 settled cases against 50 deserve 6.")
    check("decision")
    step("r4", "closed", "decision", final_grade=6, reasons="Representation upheld: output above target.")
    check("closed")
    done = get(c, w, "q", fid).json()
    assert done["accepted_grade"] == 5.0 and done["final_grade"] == 6.0


def test_training_status_through_its_interface(c, w):
    """The form shows the officer's mandatory training status for the period, read from the training scope
    through the one function it grants the APAR role (status only); the APAR role reaches no training table."""
    t, db = w["t"], w["db"]
    dash = c.get(dept(w, "/cycles/" + w["cycle"]), headers=t["cu"]).json()
    fid = [f for f in dash["forms"] if f["uid"] == w["p"]][0]["id"]  # p's chain: r1, r2, r4 (test_who_sees_what)
    code = "APAR-%s" % w["a"][-6:].upper().replace("_", "")
    db.psql("INSERT INTO state_training.courses (code, title, title_hi, provider, pass_mark, status, created_by) "
            "VALUES ('{c}', 'Office procedure', 'कार्यालय प्रक्रिया', 'ATI', 60, 'published', 'test');"
            "WITH a AS (INSERT INTO state_training.assignments (dept, course, audience, deadline, target, created_by) "
            "SELECT '{d}', id, 'department', '{y}-12-31', 100, 'test' FROM state_training.courses WHERE code = '{c}' "
            "RETURNING id) INSERT INTO state_training.assignees (assignment, dept, uid) SELECT id, '{d}', '{u}' FROM a"
            .format(c=code, d=w["a"], y=YEAR, u=w["p"]))
    for who in ("p", "r1", "r2", "r4"):
        tr = get(c, w, who, fid).json()["training"]
        assert (tr["status"], tr["mandatory"], tr["completed"]) == ("incomplete", 1, 0), (who, tr)
        assert tr["courses"] == [{"code": code, "title": "Office procedure", "title_hi": "कार्यालय प्रक्रिया",
                                  "deadline": "%d-12-31" % YEAR, "completed": False, "overdue": False}], tr
    db.psql("INSERT INTO state_training.completions (uid, course, completed_on, score, recorded_by) "
            "SELECT '%s', id, '%d-11-02', 80, 'test' FROM state_training.courses WHERE code = '%s'" % (w["p"], YEAR, code))
    tr = get(c, w, "r2", fid).json()["training"]
    assert (tr["status"], tr["completed"]) == ("complete", 1) and "score" not in str(tr), tr
    # in SQL as the APAR role: the interface answers the form's officer and authorities, nobody else,
    # and no training table is the APAR role's to read
    sql = ("BEGIN; SET LOCAL ROLE state_apar; SELECT set_config('daftar.officer_uid', '%s', true), "
           "set_config('daftar.roles', '%s', true), set_config('daftar.dept', '%s', true); "
           "SELECT state_training.mandatory_status('%s', '%d-04-01', '%d-03-31')->>'status'; COMMIT;")
    for who, roles, d in (("r1", ",officer,", ""), ("p", ",officer,", ""), ("x", ",officer,training_nodal,", w["a"])):
        r = db.psql(sql % (w[who], roles, d, w["p"], YEAR, YEAR + 1), user="daftar_api")
        assert r.stdout.split()[-1] == "complete", (who, r.stdout)
    # not an authority of the form, nor its officer, nor a nodal officer of the officer's department
    for who, roles, d in (("x", ",officer,", w["a"]), ("r3", ",officer,", ""), ("r3", ",officer,training_nodal,", w["b"]),
                          ("x", ",officer,training_nodal,", "")):
        r = db.psql(sql % (w[who], roles, d, w["p"], YEAR, YEAR + 1), user="daftar_api", check=False)
        assert r.returncode != 0 and "No such officer" in r.stderr, (who, roles, d, r.stdout, r.stderr)
    for table in ("completions", "assignees", "enrolments", "progress_events"):
        r = db.psql("BEGIN; SET LOCAL ROLE state_apar; SELECT count(*) FROM state_training.%s; COMMIT;" % table,
                    user="daftar_api", check=False)
        assert r.returncode != 0 and "permission denied" in r.stderr, (table, r.stderr)


def map_chain(c, w, uid, reporting, reviewing, accepting):
    dash = c.get(dept(w, "/cycles/" + w["cycle"]), headers=w["t"]["cu"]).json()
    f = [x for x in dash["forms"] if x["uid"] == uid][0]
    chain = {"reporting": reporting, "reviewing": reviewing, "accepting": accepting,
             "period_from": "%d-04-01" % YEAR, "period_to": "%d-03-31" % (YEAR + 1)}
    r = c.put(dept(w, "/forms/%s/chain" % f["id"]), json=chain, headers=dict(w["t"]["cu"], **{"If-Match": '"%d"' % f["version"]}))
    assert r.status_code == 200, r.text
    return f["id"]


def test_the_custodian_remaps_a_recusal_and_the_officer_accepts(c, w):
    """r1's form lost its reviewing authority to a recusal (test_recusal_short_periods_and_completeness): the
    custodian maps another, the recused one no longer reaches it; the officer accepts the disclosed report and
    the accepted grade is final."""
    t = w["t"]
    fid = map_chain(c, w, w["r1"], w["o"], w["r4"], w["r3"])
    comp = c.get(dept(w, "/cycles/%s/completeness" % w["cycle"]), headers=t["cu"]).json()
    assert fid not in [x["form"] for x in comp["without_chain"]]
    assert get(c, w, "r2", fid).status_code == 404 and get(c, w, "r4", fid).status_code == 200
    assert submit(c, w, "r1", fid, targets="T", achievements="A").status_code == 200
    assert submit(c, w, "o", fid, work_output=6, personal_attributes=6, functional_competency=6, pen_picture="Good",
                  integrity="Good").status_code == 200
    assert submit(c, w, "r4", fid, agree=True).json()["stage"] == "accepting"
    assert submit(c, w, "r3", fid, agree=True).json()["stage"] == "disclosure"
    fire(w, fid)
    wait_stage(c, w, "r1", fid, "representation")
    r = submit(c, w, "r1", fid, accept=True)
    assert r.status_code == 200 and r.json()["stage"] == "closed", r.text
    f = get(c, w, "r1", fid).json()
    assert f["accepted_grade"] == 6.0 and f["final_grade"] == 6.0
    assert [(x["level"], x["content"].get("agree", x["content"].get("accept"))) for x in f["submissions"]][2:] == \
        [("reviewing", True), ("accepting", True), ("representation", True)]


def test_every_date_missed(c, w):
    """Nobody acts on the custodian's own form: each date moves it on by itself, "not reported at this
    level", disclosure comes, the representation window closes it; on s's form the representation is not
    decided in time and the accepted grade stands. The dashboard counts the dates each authority missed."""
    t = w["t"]
    fid = map_chain(c, w, w["cu"], w["r1"], w["r2"], w["r3"])
    for stage in ("reporting", "reviewing", "accepting", "disclosure", "representation", "closed"):
        fire(w, fid)
        wait_stage(c, w, "cu", fid, stage)
    f = get(c, w, "cu", fid).json()
    assert [(x["level"], x["not_reported"]) for x in f["submissions"]] == [
        ("self", True), ("reporting", True), ("reviewing", True), ("accepting", True), ("representation", True)]
    assert f["final_grade"] is None and f["accepted_grade"] is None
    assert [(m["to"], m["by"], m["missed"]) for m in f["track"]] == [
        ("reporting", "timer", True), ("reviewing", "timer", True), ("accepting", "timer", True),
        ("disclosure", "timer", True), ("representation", "timer", False), ("closed", "timer", False)]
    fs = map_chain(c, w, w["s"], w["r1"], w["r2"], w["r3"])
    assert submit(c, w, "s", fs, targets="T", achievements="A").status_code == 200
    assert submit(c, w, "r1", fs, work_output=5, personal_attributes=5, functional_competency=5, pen_picture="Fair",
                  integrity="Good").status_code == 200
    assert submit(c, w, "r2", fs, agree=True).status_code == 200
    assert submit(c, w, "r3", fs, agree=True).status_code == 200
    fire(w, fs)
    wait_stage(c, w, "s", fs, "representation")
    assert submit(c, w, "s", fs, representation="Deserve 6.").json()["stage"] == "decision"
    fire(w, fs)
    wait_stage(c, w, "s", fs, "closed")
    f = get(c, w, "s", fs).json()
    assert f["final_grade"] == 5.0 and f["submissions"][-1]["level"] == "decision" and f["submissions"][-1]["not_reported"]
    dash = c.get(dept(w, "/cycles/" + w["cycle"]), headers=t["cu"]).json()
    missed = {(a["authority"], a["level"]): a["missed"] for a in dash["late_by_authority"] if a["missed"]}
    assert missed[(w["r1"], "reporting")] == 1 and missed[(w["r3"], "accepting")] == 1
    assert missed[(w["r3"], "decision")] == 1 and missed[(w["cu"], "self")] == 1
    assert missed[(w["r2"], "reviewing")] == 2  # o's form (the journey) and this one


def test_forms_for_members_who_joined_later(c, w):
    """A member who joins after the cycle opened has no form: the completeness report lists them, the
    custodian opens theirs (once: a retry adds nothing); nobody else may."""
    t = w["t"]
    late = w["off"].add(w["a"], "officer")[0]
    url = dept(w, "/cycles/%s/completeness" % w["cycle"])
    assert c.get(url, headers=t["cu"]).json()["without_form"] == [late]
    add = dept(w, "/cycles/%s/forms" % w["cycle"])
    assert c.post(add, headers=t["x"]).status_code == 404
    assert c.post(dept(w, "/cycles/%s/forms" % w["cycle"], w["b"]), headers=t["cu_b"]).status_code == 404
    r = c.post(add, headers=t["cu"])
    assert r.status_code == 200 and r.json()["added"] == 1, r.text
    assert [(f["uid"], f["stage"]) for f in r.json()["forms"]] == [(late, "self")]
    assert c.post(add, headers=t["cu"]).json() == {"cycle": w["cycle"], "added": 0, "forms": []}
    comp = c.get(url, headers=t["cu"]).json()
    assert comp["without_form"] == [] and late in [x["uid"] for x in comp["without_chain"]]
