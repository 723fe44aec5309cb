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


def test_reads_answer_if_none_match_with_304(c, w):
    """Mobile clients revalidate instead of downloading again: every JSON GET has an ETag (a version, or a weak
    digest of the body for lists) and If-None-Match with it is answered 304 without a body."""
    h = {"Authorization": "Bearer " + tokens(c, w["uid"])["access_token"]}
    files = "/v1/departments/%s/files" % w["a"]
    made = c.post(files, headers=h, json={"subject": "Revalidation", "section": "ADMIN"})
    assert made.status_code == 201, made.text
    listed = c.get(files + "?box=created", headers=h)
    tag = listed.headers["etag"]
    assert listed.status_code == 200 and tag.startswith('W/"')
    again = c.get(files + "?box=created", headers=dict(h, **{"If-None-Match": '"x", ' + tag}))
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == tag
    assert "accept-encoding" in again.headers["vary"]
    item = files + "/" + made.json()["id"]
    one = c.get(item, headers=h)
    assert one.headers["etag"] == made.headers["etag"]  # the file's version, as If-Match takes it
    assert c.get(item, headers=dict(h, **{"If-None-Match": one.headers["etag"]})).status_code == 304
    c.post(files, headers=h, json={"subject": "Another", "section": "ADMIN"})
    changed = c.get(files + "?box=created", headers=dict(h, **{"If-None-Match": tag}))
    assert changed.status_code == 200 and changed.headers["etag"] != tag and len(changed.json()["items"]) == 2
    assert c.get("/v1/me", headers=dict(h, **{"If-None-Match": "*"})).status_code == 304
