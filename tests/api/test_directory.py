"""The department directory: any member finds officers by name, designation (Hindi too) or section,
and sees only what a forward picker needs; outsiders and other departments see nothing."""
import unicodedata

import httpx
import pytest

from conftest import Server, assert_problem, keyed_env
from test_auth import Officers, bearer, tokens


@pytest.fixture(scope="module")
def w(db, tmp_path_factory):
    env = keyed_env(db)
    a, b = db.add_dept("dira"), db.add_dept("dirb")
    off = Officers(db, str(tmp_path_factory.mktemp("pw")))
    people = {
        "admin": off.add(a, "officer,hr_admin", name="Asha Verma")[0],
        "plain": off.add(a, "officer", name="Bhaskar Rao")[0],
        "sunita": off.add(a, "officer", name="सुनीता वर्मा")[0],
        "gone": off.add(a, "officer", name="Vermala Suspended")[0],
        "outsider": off.add(b, "officer", name="Eve Verma")[0],
    }
    db.cli("officer", "suspend", people["gone"])
    s = Server(env_extra=env)
    s.wait_ready()
    yield dict(people, a=a, b=b, server=s)
    s.stop()


@pytest.fixture(scope="module")
def c(w):
    with httpx.Client(base_url=w["server"].url, http2=True, http1=False, timeout=20) as client:
        yield client


_h = {}


def h(c, w, who):
    if who not in _h:
        _h[who] = bearer(tokens(c, w[who])["access_token"])
    return _h[who]


def find(c, w, who, q=None, dept=None, **params):
    if q is not None:
        params["q"] = q
    return c.get("/v1/departments/%s/directory" % (dept or w["a"]), params=params, headers=h(c, w, who))


def test_any_member_finds_by_name_designation_and_section(c, w):
    r = c.patch("/v1/departments/%s/officers/%s" % (w["a"], w["sunita"]), headers=h(c, w, "admin"),
                json={"designation": "अनुभाग अधिकारी", "section": "BUDGET"})
    assert r.status_code == 200 and r.json()["section"] == "BUDGET", r.text
    r = find(c, w, "plain", "verma")  # a plain officer, who may not list officers
    assert r.status_code == 200, r.text
    assert [x["uid"] for x in r.json()["items"]] == [w["admin"]]
    names = lambda r: sorted(x["name"] for x in r.json()["items"])  # noqa: E731
    assert names(find(c, w, "plain", "वर्मा")) == ["सुनीता वर्मा"]
    decomposed = unicodedata.normalize("NFD", "अधिकारी")  # typed in the other Unicode form
    assert names(find(c, w, "plain", decomposed)) == ["सुनीता वर्मा"]
    assert names(find(c, w, "plain", "budget")) == ["सुनीता वर्मा"]
    assert names(find(c, w, "plain", "SECTION off")) == ["Asha Verma", "Bhaskar Rao"]  # the designation Officers.add gives
    everyone = find(c, w, "plain").json()["items"]
    assert names(find(c, w, "plain")) == ["Asha Verma", "Bhaskar Rao", "सुनीता वर्मा"]  # the suspended one is not there
    for x in everyone:
        assert set(x) == {"uid", "name", "designation", "section"}
    assert len(find(c, w, "plain", limit=2).json()["items"]) == 2


def test_outsiders_and_bad_queries_are_refused(c, w):
    assert_problem(find(c, w, "outsider", "verma"), 403)
    assert_problem(find(c, w, "plain", "verma", dept=w["b"]), 403)
    assert_problem(find(c, w, "plain", "x" * 101), 400)
    assert_problem(find(c, w, "plain", limit=1000), 400)
    assert_problem(find(c, w, "plain", dept="nosuchdept"), 404)
    assert c.get("/v1/departments/%s/directory" % w["a"]).status_code == 401
    r = c.patch("/v1/departments/%s/officers/%s" % (w["a"], w["plain"]), headers=h(c, w, "admin"),
                json={"section": "bad section"})
    assert_problem(r, 400)


def test_names_stand_beside_uids_and_stay_current(c, w):
    """Files, their track, notesheet and pendency carry `officers`: each UID's name and designation in
    the department, read at each request (a designation changed a moment ago shows at once)."""
    files = "/v1/departments/%s/files" % w["a"]
    made = c.post(files, headers=h(c, w, "plain"), json={"subject": "Names beside numbers", "section": "ADMIN"})
    assert made.status_code == 201, made.text
    f = made.json()
    assert f["officers"] == {w["plain"]: {"name": "Bhaskar Rao", "designation": "Section Officer"}}
    c.post(files + "/%s/notes" % f["id"], headers=h(c, w, "plain"), json={"body": "Para 1: for orders."})
    moved = c.post(files + "/%s/movements" % f["id"], json={"action": "forward", "to": w["sunita"]},
                   headers=dict(h(c, w, "plain"), **{"If-Match": made.headers["etag"]}))
    assert moved.status_code == 201, moved.text
    r = c.patch("/v1/departments/%s/officers/%s" % (w["a"], w["sunita"]), headers=h(c, w, "admin"),
                json={"designation": "Under Secretary"})
    assert r.status_code == 200, r.text
    got = c.get(files + "/" + f["id"], headers=h(c, w, "sunita")).json()
    assert got["holder"] == w["sunita"] and got["officers"][w["sunita"]] == {"name": "सुनीता वर्मा",
                                                                             "designation": "Under Secretary"}
    assert got["officers"][w["plain"]]["name"] == "Bhaskar Rao"
    track = c.get(files + "/%s/movements" % f["id"], headers=h(c, w, "sunita")).json()
    assert {m["to"] for m in track["items"]} <= set(track["officers"]) and track["officers"][w["sunita"]]["name"] == "सुनीता वर्मा"
    notes = c.get(files + "/%s/notes" % f["id"], headers=h(c, w, "sunita")).json()
    assert notes["officers"] == {w["plain"]: {"name": "Bhaskar Rao", "designation": "Section Officer"}}
    inbox = c.get(files, headers=h(c, w, "sunita")).json()["items"]
    assert [x["officers"][x["holder"]]["designation"] for x in inbox if x["id"] == f["id"]] == ["Under Secretary"]
    pend = c.get("/v1/departments/%s/reports/pendency" % w["a"], headers=h(c, w, "sunita")).json()
    assert pend["officers"][w["sunita"]]["name"] == "सुनीता वर्मा"
    # another department's officers are never named, even by UID
    eve = c.get("/v1/departments/%s/files/%s" % (w["b"], f["id"]), headers=h(c, w, "outsider"))
    assert eve.status_code in (403, 404)
