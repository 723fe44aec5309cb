"""Service-account scopes are enforced on every route, denying by default (security review item 2).

Before: a files:read service account created a file, added a note, forwarded it and registered a
receipt. Now each route names the scope it needs (lib/*/routes.c, the contract's `service` scheme);
a route that names none is closed to every service account; officers are not limited by scopes.
"""
import httpx
import pytest

from conftest import Server, assert_problem, keyed_env
from test_auth import Officers, bearer, tokens


def service(db, dept, scopes, roles="officer,records_officer"):
    args = ["service", "add", "--dept", dept, "--name", "Integration", "--role", roles]
    if scopes:
        args += ["--scope", scopes]
    out = db.cli(*args).stdout
    return out.split("client_id: ")[1].split()[0], out.split("client_secret: ")[1].split()[0]


@pytest.fixture(scope="module")
def w(db, tmp_path_factory):
    env = keyed_env(db)
    dept = db.add_dept("sca")
    off = Officers(db, str(tmp_path_factory.mktemp("pw")))
    s = Server(env_extra=env)
    s.wait_ready()
    w = {"dept": dept, "server": s, "officer": off.add(dept, "officer,section_officer")[0],
         "reader": service(db, dept, "files:read"), "writer": service(db, dept, "files:write,receipts:write"),
         "none": service(db, dept, None)}
    yield w
    s.stop()


@pytest.fixture
def c(w):
    with httpx.Client(base_url=w["server"].url, http1=False, http2=True, timeout=20) as client:
        yield client


def token(c, cid_secret):
    r = c.post("/v1/auth/token", json={"grant_type": "client_credentials", "client_id": cid_secret[0],
                                       "client_secret": cid_secret[1]})
    assert r.status_code == 200, r.text
    return bearer(r.json()["access_token"])


def insufficient(r, scope):
    assert_problem(r, 403)
    assert 'error="insufficient_scope"' in r.headers["www-authenticate"]
    assert 'scope="%s"' % scope in r.headers["www-authenticate"]


def test_a_read_scope_cannot_write(c, w):
    files = "/v1/departments/%s/files" % w["dept"]
    writer, reader = token(c, w["writer"]), token(c, w["reader"])
    r = c.post(files, headers=writer, json={"subject": "From the treasury", "section": "TRY"})
    assert r.status_code == 201, r.text
    f = r.json()
    insufficient(c.post(files, headers=reader, json={"subject": "Not allowed", "section": "TRY"}), "files:write")
    insufficient(c.post(files + "/%s/notes" % f["id"], headers=reader, json={"body": "a note"}), "files:write")
    insufficient(c.post(files + "/%s/movements" % f["id"], headers=dict(reader, **{"If-Match": '"1"'}),
                        json={"action": "forward", "to": w["officer"]}), "files:write")
    insufficient(c.post("/v1/departments/%s/receipts" % w["dept"], headers=reader,
                        json={"subject": "A letter", "sender": "Treasury", "received_on": "2026-12-01"}),
                 "receipts:write")
    assert c.get(files, headers=reader, params={"box": "all"}).status_code == 200
    # nothing the reader tried was written
    listed = c.get(files, headers=writer, params={"box": "all"})
    insufficient(listed, "files:read")  # and the writer holds no files:read


def test_no_scope_no_route(c, w):
    none = token(c, w["none"])
    insufficient(c.get("/v1/departments/%s/files" % w["dept"], headers=none), "files:read")
    insufficient(c.get("/v1/departments/%s/receipts" % w["dept"], headers=none), "receipts:read")


def test_officer_only_routes_refuse_every_service(c, w):
    writer = token(c, w["writer"])
    r = c.get("/v1/departments/%s/officers" % w["dept"], headers=writer)
    assert_problem(r, 403)
    assert 'error="insufficient_scope"' in r.headers["www-authenticate"]


def test_officers_are_not_limited_by_scopes(c, w):
    h = bearer(tokens(c, w["officer"])["access_token"])
    r = c.post("/v1/departments/%s/files" % w["dept"], headers=h, json={"subject": "Officer's", "section": "TRY"})
    assert r.status_code == 201, r.text


def test_unknown_scope_refused_at_service_add(db, w):
    before = db.psql("SELECT count(*) FROM daftar.service_accounts").stdout
    p = db.cli("service", "add", "--dept", w["dept"], "--name", "X", "--role", "officer", "--scope",
               "files:read,acr:write", check=False)
    assert p.returncode != 0 and "unknown scope 'acr:write'" in p.stdout + p.stderr
    p = db.cli("service", "add", "--dept", w["dept"], "--name", "X", "--role", "officer", "--scope",
               "files:read}", check=False)
    assert p.returncode != 0
    assert db.psql("SELECT count(*) FROM daftar.service_accounts").stdout == before
