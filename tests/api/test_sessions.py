"""Memberships on the server: tokens say who, the catalog says what they may do.

A role granted or revoked counts from the next request with the same token
(no new sign-in, no wait for expiry), on every thread of the server.
"""
import time

import httpx
import pytest

from conftest import Server, keyed_env
from test_auth import Officers, bearer, tokens


@pytest.fixture(scope="module")
def w(db, tmp_path_factory):
    env = keyed_env(db)
    a, b = db.add_dept("sea"), db.add_dept("seb")
    off = Officers(db, str(tmp_path_factory.mktemp("pw")))
    s = Server(env_extra=env, threads=2)
    s.wait_ready()
    yield {"a": a, "b": b, "off": off, "server": s, "db": db}
    s.stop()


def statuses(w, token, path, connections=6):
    """The status of GET path on several fresh HTTP/2 connections (they land on both threads)."""
    out = set()
    for _ in range(connections):
        with httpx.Client(base_url=w["server"].url, http1=False, http2=True, timeout=20) as c:
            out.add(c.get(path, headers=bearer(token)).status_code)
    return out


def settles(w, token, path, want, seconds=3.0):
    """NOTIFY reaches the server a few milliseconds after the commit; a wide margin proves 'no wait for expiry'."""
    deadline = time.monotonic() + seconds
    while (got := statuses(w, token, path)) != {want}:
        assert time.monotonic() < deadline, "still %s for %s" % (got, path)
        time.sleep(0.05)


def test_role_granted_and_revoked_counts_from_the_next_request(w):
    uid, _ = w["off"].add(w["a"])
    with httpx.Client(base_url=w["server"].url, http1=False, http2=True, timeout=20) as c:
        t = tokens(c, uid)["access_token"]
    files_b = "/v1/departments/%s/files" % w["b"]
    officers_a = "/v1/departments/%s/officers" % w["a"]
    assert statuses(w, t, files_b) == {403}
    assert statuses(w, t, officers_a) == {403}
    # warm every thread's cache, then change the catalog under it
    w["db"].cli("officer", "grant", uid, "--dept", w["b"], "--role", "officer")
    settles(w, t, files_b, 200)
    w["db"].cli("officer", "grant", uid, "--dept", w["a"], "--role", "officer,hr_admin")
    settles(w, t, officers_a, 200)
    w["db"].cli("officer", "revoke", uid, "--dept", w["b"])
    settles(w, t, files_b, 403)
    w["db"].cli("officer", "grant", uid, "--dept", w["a"], "--role", "officer")
    settles(w, t, officers_a, 403)
    # the same token all along
    assert statuses(w, t, "/v1/me") == {200}


def test_suspended_officer_is_refused_from_the_next_request(w):
    uid, _ = w["off"].add(w["a"])
    with httpx.Client(base_url=w["server"].url, http1=False, http2=True, timeout=20) as c:
        t = tokens(c, uid)["access_token"]
    files_a = "/v1/departments/%s/files" % w["a"]
    assert statuses(w, t, files_a) == {200}
    w["db"].cli("officer", "suspend", uid)
    settles(w, t, files_a, 401)


def test_token_carries_no_memberships_or_clearance(w):
    import jwt as pyjwt
    uid, _ = w["off"].add(w["a"], "officer,records_officer", clearance="confidential")
    with httpx.Client(base_url=w["server"].url, http1=False, http2=True, timeout=20) as c:
        t = tokens(c, uid)["access_token"]
        me = c.get("/v1/me", headers=bearer(t)).json()
    claims = pyjwt.decode(t, options={"verify_signature": False})
    # (otp_enrol: a confidential officer must enrol a second factor first)
    assert set(claims) - {"otp_enrol"} == {"iss", "aud", "sub", "iat", "nbf", "exp", "jti", "token_use", "gen", "amr"}
    assert me["clearance"] == "confidential"
    assert me["memberships"] == [{"dept": w["a"], "roles": ["officer", "records_officer"],
                                  "designation": "Section Officer"}]
