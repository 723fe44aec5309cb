"""Compression: Brotli or gzip for JSON and problems of 1 KiB and more when Accept-Encoding takes one,
never for documents, and `Vary: accept-encoding` on every response whose encoding could differ."""
import gzip
import json

import brotli

import httpx
import pytest

from conftest import Server, keyed_env
from test_auth import Officers, bearer, tokens

PDF = b"%PDF-1.7\n" + b"% compressible padding\n" * 200 + b"%%EOF\n"


@pytest.fixture(scope="module")
def w(db, tmp_path_factory, tls_files):
    env = keyed_env(db)
    a = db.add_dept("gza")
    off = Officers(db, str(tmp_path_factory.mktemp("pw")))
    s = Server(env_extra=env, tls=tls_files)
    s.wait_ready()
    yield {"a": a, "alice": off.add(a, "officer")[0], "server": s}
    s.stop()


@pytest.fixture(params=["h2c", "h1", "h2tls"])
def c(w, request, tls_files):
    s = w["server"]
    if request.param == "h2tls":
        client = httpx.Client(base_url=s.tls_url, http2=True, verify=tls_files[0], timeout=20)
    else:
        client = httpx.Client(base_url=s.url, http1=request.param == "h1", http2=request.param != "h1", timeout=20)
    with client:
        yield client


def raw(c, method, url, accept="gzip", **kw):
    """The response and its bytes as sent (httpx would otherwise decode them)."""
    headers = dict(kw.pop("headers", {}), **{"accept-encoding": accept})
    with c.stream(method, url, headers=headers, **kw) as r:
        return r, b"".join(r.iter_raw())


def varies(r):
    return "accept-encoding" in [v.strip().lower() for v in r.headers.get_list("vary", split_commas=True)]


def test_contract_is_gzipped_only_when_asked(c):
    plain, body = raw(c, "GET", "/openapi.json", accept="identity")
    assert plain.status_code == 200 and "content-encoding" not in plain.headers and varies(plain)
    spec = json.loads(body)
    assert spec["openapi"].startswith("3.")
    r, zbody = raw(c, "GET", "/openapi.json")
    assert r.headers["content-encoding"] == "gzip" and varies(r)
    assert r.headers["content-type"] == "application/json"
    assert json.loads(gzip.decompress(zbody)) == spec
    assert len(zbody) < len(body) / 4
    assert int(r.headers.get("content-length", len(zbody))) == len(zbody)
    for refused in ("gzip;q=0", "deflate", "*;q=0", "*, gzip;q=0, br;q=0", "br;q=0, gzip;q=0"):
        r, b = raw(c, "GET", "/openapi.json", accept=refused)
        assert "content-encoding" not in r.headers and json.loads(b) == spec, refused
    # Brotli (made at build time, quality 11) when taken: smaller than the gzip
    for taken in ("br", "gzip, deflate, br", "br;q=1, *;q=0.5", "*", "*, gzip;q=0"):
        r, b = raw(c, "GET", "/openapi.json", accept=taken)
        assert r.headers["content-encoding"] == "br" and varies(r), taken
        assert json.loads(brotli.decompress(b)) == spec and len(b) < len(zbody)
    r, b = raw(c, "GET", "/openapi.json", accept="br;q=0, *")
    assert r.headers["content-encoding"] == "gzip" and json.loads(gzip.decompress(b)) == spec


def test_small_json_is_sent_as_is_but_still_varies(c):
    r, body = raw(c, "GET", "/healthz")
    assert r.status_code == 200 and "content-encoding" not in r.headers and varies(r)
    assert json.loads(body) == {"status": "ok"}


def test_problems_of_a_kilobyte_and_more_are_gzipped(c):
    small, body = raw(c, "GET", "/v1/nothing-here")
    assert small.status_code == 404 and "content-encoding" not in small.headers and varies(small)
    assert json.loads(body)["status"] == 404
    name = "x" * 1500  # an unknown field is named back in the problem
    r, zbody = raw(c, "POST", "/v1/auth/token", json={"grant_type": "password", name: 1})
    assert r.status_code == 400 and r.headers["content-type"] == "application/problem+json"
    assert r.headers["content-encoding"] == "gzip" and varies(r)
    p = json.loads(gzip.decompress(zbody))
    assert p["errors"][0]["field"] == name and p["request_id"] == r.headers["x-request-id"]


def test_problems_and_lists_take_brotli_when_asked(c, w):
    """Built bodies up to 32 KiB go as Brotli when the client takes it, in either order of preference."""
    name = "x" * 1500
    for accept in ("br", "gzip, br", "br;q=0.5, gzip;q=1"):
        r, body = raw(c, "POST", "/v1/auth/token", accept=accept, json={"grant_type": "password", name: 1})
        assert r.status_code == 400 and r.headers["content-encoding"] == "br" and varies(r), accept
        assert json.loads(brotli.decompress(body))["errors"][0]["field"] == name
        assert int(r.headers["content-length"]) == len(body)
    h = bearer(tokens(c, w["alice"])["access_token"])
    files = "/v1/departments/%s/files" % w["a"]
    for i in range(6):
        assert c.post(files, headers=h, json={"subject": "Brotli test file %d" % i, "section": "ADMIN"}).status_code == 201
    r, zbody = raw(c, "GET", files + "?box=created", headers=h, accept="gzip")
    b, bbody = raw(c, "GET", files + "?box=created", headers=h, accept="gzip, br")
    assert b.status_code == 200 and b.headers["content-encoding"] == "br" and varies(b)
    assert json.loads(brotli.decompress(bbody)) == json.loads(gzip.decompress(zbody))
    assert len(bbody) < len(zbody)
    # httpx takes Brotli by itself (python3-brotli installed): what every client here now gets
    assert c.get(files + "?box=created", headers=h).headers["content-encoding"] == "br"


def test_large_body_is_streamed_in_slices(c):
    """Above 32 KiB a body is compressed a slice per turn of the event loop: the result is one gzip stream."""
    name = "".join("%06d" % i for i in range(60000))  # 360 kB, not repetitive
    r, zbody = raw(c, "POST", "/v1/auth/token", json={"grant_type": "password", name: 1})
    assert r.status_code == 400 and r.headers["content-encoding"] == "gzip"
    p = json.loads(gzip.decompress(zbody))
    assert p["errors"][0]["field"] == name
    assert len(zbody) < len(name)  # the name is in it twice (field and pointer), 720 kB before gzip
    # Brotli only in one go (its encoder's 0.7 MiB is not held across turns): above 32 KiB, gzip or nothing
    r, zbody = raw(c, "POST", "/v1/auth/token", accept="br, gzip", json={"grant_type": "password", name: 1})
    assert r.headers["content-encoding"] == "gzip" and json.loads(gzip.decompress(zbody))["errors"][0]["field"] == name
    r, body = raw(c, "POST", "/v1/auth/token", accept="br", json={"grant_type": "password", name: 1})
    assert "content-encoding" not in r.headers and json.loads(body)["errors"][0]["field"] == name


def test_lists_are_gzipped_and_documents_never(c, w):
    h = bearer(tokens(c, w["alice"])["access_token"])
    files = "/v1/departments/%s/files" % w["a"]
    for i in range(6):
        made = c.post(files, headers=h, json={"subject": "Compression test file %d" % i, "section": "ADMIN"})
        assert made.status_code == 201, made.text
    r, zbody = raw(c, "GET", files + "?box=created", headers=h)
    assert r.status_code == 200 and r.headers["content-encoding"] == "gzip" and varies(r)
    listed = json.loads(gzip.decompress(zbody))
    assert len(listed["items"]) >= 6 and len(gzip.decompress(zbody)) >= 1024
    f = made.json()
    d = c.post(files + "/%s/documents" % f["id"], params={"filename": "a.pdf"}, content=PDF,
               headers=dict(h, **{"content-type": "application/pdf"}))
    assert d.status_code == 201, d.text
    got, body = raw(c, "GET", files + "/%s/documents/%s" % (f["id"], d.json()["id"]), headers=h)
    assert got.status_code == 200 and got.headers["content-type"] == "application/pdf"
    assert "content-encoding" not in got.headers and not varies(got)
    assert body == PDF


def test_gzip_level_zero_turns_it_off(db):
    s = Server(env_extra=dict(db.env(), DAFTAR_GZIP_LEVEL="0"))
    try:
        with httpx.Client(base_url=s.url, http2=True, http1=False, timeout=10) as c:
            r, body = raw(c, "GET", "/openapi.json")
            assert r.status_code == 200 and "content-encoding" not in r.headers
            assert json.loads(body)["openapi"].startswith("3.")
            r, body = raw(c, "GET", "/openapi.json", accept="gzip, br")  # Brotli is a setting of its own
            assert r.headers["content-encoding"] == "br" and json.loads(brotli.decompress(body))["openapi"]
    finally:
        s.stop()


def test_brotli_quality_zero_turns_brotli_off(db):
    s = Server(env_extra=dict(db.env(), DAFTAR_BROTLI_QUALITY="0"))
    try:
        with httpx.Client(base_url=s.url, http2=True, http1=False, timeout=10) as c:
            r, body = raw(c, "GET", "/openapi.json", accept="gzip, br")
            assert r.headers["content-encoding"] == "gzip" and json.loads(gzip.decompress(body))["openapi"]
            r, body = raw(c, "POST", "/v1/auth/token", accept="br", json={"grant_type": "password", "x" * 1500: 1})
            assert r.status_code == 400 and "content-encoding" not in r.headers and json.loads(body)["status"] == 400
    finally:
        s.stop()


def outside_strings(body):
    """The JSON text with its strings taken out: what is left is punctuation, numbers and words."""
    import re
    return re.sub(r'"(?:\\.|[^"\\])*"', '""', body.decode("utf-8"))


def test_json_is_sent_without_whitespace_outside_strings(w):
    """PostgreSQL's json_build_object writes `"a" : 1, "b" : 2`: three bytes a member that a slow mobile
    network carries for nothing. Every JSON response is sent compact; its strings (Hindi, spaces, escaped
    quotes) are untouched."""
    h = bearer(tokens(httpx.Client(base_url=w["server"].url), w["alice"])["access_token"])
    with httpx.Client(base_url=w["server"].url, http2=True, http1=False, timeout=20) as c:
        files = "/v1/departments/%s/files" % w["a"]
        for i in range(20):
            made = c.post(files, headers=h, json={"subject": 'फ़ाइल  %d "quoted" \\ , : {x}' % i, "section": "ADMIN"})
            assert made.status_code == 201, made.text
        sizes = {}
        for name, url in (("inbox page", files + "?box=created&limit=20"), ("file", made.headers["location"]),
                          ("me", "/v1/me")):
            r, body = raw(c, "GET", url, accept="identity", headers=h)
            assert r.status_code == 200, body
            left = outside_strings(body)
            assert not any(ch in left for ch in " \n\t\r"), (name, left[:200])
            sizes[name] = len(body)
        assert json.loads(body)  # still JSON
        page = json.loads(raw(c, "GET", files + "?box=created&limit=20", accept="identity", headers=h)[1])
        assert page["items"][0]["subject"] == 'फ़ाइल  19 "quoted" \\ , : {x}'
        print("compact JSON body bytes:", sizes)
