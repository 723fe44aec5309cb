"""Acting charge (issue 19): the head of office gives officer B's charge to officer A for a period; A sees
the files B holds and acts on them for B, every movement naming both; the charge ends by itself (a timer)
or early, and then A sees nothing of B's again. Over HTTP/2 against the real binary and PostgreSQL."""
import datetime
import time

import httpx
import pytest

from conftest import Server, assert_problem, keyed_env, office_today
from test_auth import Officers, bearer, tokens


@pytest.fixture(scope="module")
def w(db, tmp_path_factory):
    a = db.add_dept("cha")
    off = Officers(db, str(tmp_path_factory.mktemp("pw")))
    people = {"hoo": off.add(a, "officer,hoo")[0], "acting": off.add(a, "officer,section_officer")[0],
              "away": off.add(a, "officer")[0], "next": off.add(a, "officer")[0], "other": off.add(a, "officer")[0]}
    s = Server(env_extra=keyed_env(db, DAFTAR_TIMERS_RESCAN_MS="100"))
    s.wait_ready()
    with httpx.Client(base_url=s.url, http1=False, http2=True, timeout=20) as c:
        t = {k: bearer(tokens(c, uid)["access_token"]) for k, uid in people.items()}
    yield dict(people, a=a, db=db, t=t, server=s)
    s.stop()


@pytest.fixture
def c(w):
    with httpx.Client(base_url=w["server"].url, http1=False, http2=True, timeout=20) as client:
        yield client


def files(w, rest=""):
    return "/v1/departments/%s/files%s" % (w["a"], rest)


def charges(w, rest=""):
    return "/v1/departments/%s/charges%s" % (w["a"], rest)


def give(c, w, who="hoo", holder="acting", of="away", days=3):
    until = (office_today() + datetime.timedelta(days=days)).isoformat()
    return c.post(charges(w), headers=w["t"][who], json={"holder": w[holder], "of": w[of], "valid_until": until,
                                                         "reason": "Earned leave"})


def test_an_acting_officer_works_the_absent_officers_files_until_the_charge_expires(c, w):
    t = w["t"]
    r = c.post(files(w), headers=t["away"], json={"subject": "Road repair estimates", "section": "WORKS"})
    assert r.status_code == 201, r.text
    f = r.json()
    second = c.post(files(w), headers=t["away"], json={"subject": "Bridge survey", "section": "WORKS"}).json()
    assert c.get(files(w, "/" + f["id"]), headers=t["acting"]).status_code == 404
    inbox = files(w, "?box=inbox&holder=" + w["away"])
    assert c.get(inbox, headers=t["acting"]).json()["items"] == []
    r = give(c, w)
    assert r.status_code == 201 and r.json()["active"], r.text
    charge = r.json()
    # A sees B's inbox and the file, writes on its notesheet, forwards it for B
    assert {x["id"] for x in c.get(inbox, headers=t["acting"]).json()["items"]} == {f["id"], second["id"]}
    r = c.get(files(w, "/" + f["id"]), headers=t["acting"])
    assert r.status_code == 200
    n = c.post(files(w, "/%s/notes" % f["id"]), headers=t["acting"], json={"body": "Examined in acting charge."})
    assert n.status_code == 201 and n.json()["author"] == w["acting"], n.text
    r = c.post(files(w, "/%s/movements" % f["id"]), headers=dict(t["acting"], **{"If-Match": r.headers["etag"]}),
               json={"action": "forward", "to": w["next"], "remarks": "Please examine"})
    assert r.status_code == 201, r.text
    track = c.get(files(w, "/%s/movements" % f["id"]), headers=t["next"]).json()
    last = track["items"][-1] if isinstance(track, dict) else track[-1]
    assert last["from"] == w["acting"] and last["on_behalf_of"] == w["away"], last
    # the receiver returns it: it goes back to B, whose file it is
    etag = c.get(files(w, "/" + f["id"]), headers=t["next"]).headers["etag"]
    r = c.post(files(w, "/%s/movements" % f["id"]), headers=dict(t["next"], **{"If-Match": etag}),
               json={"action": "return", "remarks": "Seen"})
    assert r.status_code == 201 and r.json()["holder"] == w["away"], r.text
    # a decision is the decider's own: not through a charge
    etag = c.get(files(w, "/" + second["id"]), headers=t["acting"]).headers["etag"]
    d = assert_problem(c.post(files(w, "/%s/movements" % second["id"]), headers=dict(t["acting"], **{"If-Match": etag}),
                              json={"action": "approve"}), 403)
    assert "hold yourself" in d["detail"]
    # another officer of the department sees none of it
    assert c.get(files(w, "/" + f["id"]), headers=t["other"]).status_code == 404
    assert c.get(files(w, "?box=inbox&holder=" + w["away"]), headers=t["other"]).json()["items"] == []
    # the charge ends by itself: its timer, due after valid_until, set in the past here
    w["db"].psql("UPDATE dept_%s.timers SET due_at = now() - interval '1 second' WHERE subject = '%s'; NOTIFY daftar_timers"
                 % (w["a"], charge["id"]))
    for _ in range(100):
        listed = [x for x in c.get(charges(w), headers=t["hoo"]).json() if x["id"] == charge["id"]][0]
        if listed["ended_by"] == "timer":
            break
        time.sleep(0.1)
    assert listed["ended_by"] == "timer" and not listed["active"], listed
    assert c.get(files(w, "/" + f["id"]), headers=t["acting"]).status_code == 404
    assert c.get(inbox, headers=t["acting"]).json()["items"] == []
    assert c.post(files(w, "/%s/notes" % second["id"]), headers=t["acting"], json={"body": "x"}).status_code == 404


def test_who_gives_and_ends_a_charge(c, w):
    t = w["t"]
    assert give(c, w, who="other", holder="acting", of="next").status_code == 403       # not the head of office
    assert give(c, w, who="hoo", holder="hoo", of="next").status_code == 403            # not to themselves
    assert give(c, w, who="hoo", holder="acting", of="acting").status_code in (403, 422)
    assert give(c, w, who="hoo", holder="acting", of="next", days=400).status_code == 422
    r = give(c, w, holder="acting", of="next")
    assert r.status_code == 201, r.text
    assert give(c, w, holder="other", of="next").status_code == 409                     # one holder at a time
    # the absent officer sees it; someone else not
    assert r.json()["id"] in [x["id"] for x in c.get(charges(w), headers=t["next"]).json()]
    assert r.json()["id"] not in [x["id"] for x in c.get(charges(w), headers=t["other"]).json()]
    assert c.post(charges(w, "/%s/end" % r.json()["id"]), headers=t["other"]).status_code == 404
    assert c.post(charges(w, "/%s/end" % r.json()["id"]), headers=t["next"]).status_code == 403
    e = c.post(charges(w, "/%s/end" % r.json()["id"]), headers=t["acting"])
    assert e.status_code == 200 and e.json()["ended_by"] == w["acting"] and not e.json()["active"]
    assert c.post(charges(w, "/%s/end" % r.json()["id"]), headers=t["hoo"]).status_code == 409
