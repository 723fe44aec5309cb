"""Service accounts of integrating systems: client credentials, least privilege, suspension."""
import time

import httpx
import jwt as pyjwt
import pytest

from conftest import Server, assert_problem, keyed_env
from test_auth import bearer


@pytest.fixture(scope="module")
def setup(db):
    env = keyed_env(db)
    dept, other = db.add_dept("sva"), db.add_dept("svb")
    out = db.cli("service", "add", "--dept", dept, "--name", "Treasury system", "--role", "officer,records_officer",
                 "--scope", "files:read,receipts:write").stdout
    cid, secret = out.split("client_id: ")[1].split()[0], out.split("client_secret: ")[1].split()[0]
    s = Server(env_extra=env)
    s.wait_ready()
    yield {"dept": dept, "other": other, "id": cid, "secret": secret, "server": s}
    s.stop()


@pytest.fixture
def c(setup):
    with httpx.Client(base_url=setup["server"].url, http1=False, http2=True, timeout=20) as client:
        yield client


def grant(c, cid, secret):
    return c.post("/v1/auth/token", json={"grant_type": "client_credentials", "client_id": cid, "client_secret": secret})


def test_client_credentials_token(c, setup):
    r = grant(c, setup["id"], setup["secret"])
    assert r.status_code == 200, r.text
    t = r.json()
    assert set(t) == {"access_token", "token_type", "expires_in"}  # no refresh token for services
    claims = pyjwt.decode(t["access_token"], options={"verify_signature": False})
    assert claims["sub"] == setup["id"] and claims["amr"] == ["client"]
    assert claims["scope"] == "files:read receipts:write"
    assert "depts" not in claims  # what it may do is read from the catalog on each server


def test_wrong_or_unknown_client_look_alike(c, setup):
    a = grant(c, setup["id"], "not-the-secret")
    b = grant(c, "svc_0000000000000000", "not-the-secret")
    d = grant(c, "robert'); drop table", "x")
    assert a.status_code == b.status_code == d.status_code == 401
    assert a.json()["detail"] == b.json()["detail"] == d.json()["detail"]


def test_service_has_no_admin_and_no_officer_routes(c, setup):
    h = bearer(grant(c, setup["id"], setup["secret"]).json()["access_token"])
    assert_problem(c.get("/v1/departments/%s/officers" % setup["dept"], headers=h), 403)
    assert_problem(c.get("/v1/departments/%s/officers" % setup["other"], headers=h), 403)
    assert_problem(c.post("/v1/me/password", headers=h, json={"current_password": "x", "new_password": "y" * 12}), 403)
    assert_problem(c.post("/v1/me/totp", headers=h), 403)
    assert_problem(c.post("/v1/departments/%s/officers" % setup["dept"], headers=h, json={"name": "X", "roles": ["officer"]}),
                   403)


def test_cli_refuses_admin_roles_for_services(db, setup):
    p = db.cli("service", "add", "--dept", setup["dept"], "--name", "Bad", "--role", "dept_admin", check=False)
    assert p.returncode != 0


def test_suspended_service_is_refused_at_once(c, db, setup):
    out = db.cli("service", "add", "--dept", setup["dept"], "--name", "Short lived", "--role", "officer").stdout
    cid, secret = out.split("client_id: ")[1].split()[0], out.split("client_secret: ")[1].split()[0]
    token = grant(c, cid, secret).json()["access_token"]
    h = bearer(token)
    assert c.get("/v1/departments/%s/officers" % setup["dept"], headers=h).status_code == 403  # valid token, no right
    db.cli("service", "suspend", cid)
    deadline = time.monotonic() + 1.5
    while c.get("/v1/departments/%s/officers" % setup["dept"], headers=h).status_code != 401:
        assert time.monotonic() < deadline, "suspension not seen within a second"
        time.sleep(0.05)
    assert grant(c, cid, secret).status_code == 401
