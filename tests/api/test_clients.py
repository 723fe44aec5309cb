"""What client developers tripped over, tried as a new user would (issue 26): each answer says what
is wrong in the client's terms."""
import httpx
import pytest

from conftest import Server, keyed_env
from test_auth import Officers, tokens


@pytest.fixture(scope="module")
def w(db, tmp_path_factory):
    env = keyed_env(db)
    a = db.add_dept("cli")
    uid = Officers(db, str(tmp_path_factory.mktemp("pw"))).add(a, "officer")[0]
    s = Server(env_extra=env)
    s.wait_ready()
    yield {"server": s, "uid": uid, "a": a}
    s.stop()


@pytest.fixture
def c(w):
    with httpx.Client(base_url=w["server"].url, http2=True, http1=False, timeout=20) as client:
        yield client


def test_no_token_gets_a_challenge_without_an_error_code(c):
    """RFC 6750 3.1: a request with no credentials (or another scheme) gets no error code."""
    for headers in ({}, {"Authorization": "Basic dXNlcjpwYXNz"}):
        r = c.get("/v1/me", headers=headers)
        assert r.status_code == 401 and r.headers["www-authenticate"] == 'Bearer realm="daftar"', headers
    r = c.get("/v1/me", headers={"Authorization": "Bearer not.a.token"})
    assert r.status_code == 401 and r.headers["www-authenticate"] == 'Bearer realm="daftar", error="invalid_token"'


def test_a_used_refresh_token_is_not_called_a_wrong_password(c, w):
    t = tokens(c, w["uid"])
    assert c.post("/v1/auth/token", json={"grant_type": "refresh_token", "refresh_token": t["refresh_token"]}).status_code == 200
    r = c.post("/v1/auth/token", json={"grant_type": "refresh_token", "refresh_token": t["refresh_token"]})
    assert r.status_code == 401
    detail = r.json()["detail"]
    assert "refresh token" in detail and "password" not in detail.lower()
