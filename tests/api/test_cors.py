"""CORS for browser portals: every method of every path of the contract passes its preflight, and the
headers a portal reads are exposed. Before: OPTIONS was matched as GET, so a preflight for PATCH or PUT
was answered `Access-Control-Allow-Methods: GET` and the browser refused the call."""
import re

import httpx
import pytest

from conftest import Server

PORTAL = "https://portal.example.gov.in"
SAMPLE = {"dept": "fin", "uid": "10000000012", "file_id": "0b5e3c1e-8a55-4b8e-9d5e-0c2b8d6f1a11", "n": "1",
          "doc_id": "0b5e3c1e-8a55-4b8e-9d5e-0c2b8d6f1a12"}


@pytest.fixture(scope="module")
def s():
    srv = Server(env_extra={"DAFTAR_CORS_ORIGINS": PORTAL + ", https://other.example.gov.in"})
    yield srv
    srv.stop()


def contract_methods(c):
    spec = c.get("/openapi.json").json()
    for path, item in spec["paths"].items():
        url = re.sub(r"\{([^}]+)\}", lambda m: SAMPLE.get(m.group(1), "1"), path)
        yield path, url, [m.upper() for m, op in item.items() if isinstance(op, dict) and "operationId" in op]


def test_every_method_of_the_contract_passes_its_preflight(s):
    with httpx.Client(base_url=s.url, http2=True, http1=False, timeout=10) as c:
        checked = 0
        for path, url, methods in contract_methods(c):
            for m in methods:
                r = c.options(url, headers={"Origin": PORTAL, "Access-Control-Request-Method": m,
                                            "Access-Control-Request-Headers": "authorization, content-type, if-match"})
                assert r.status_code == 204, (m, path, r.text)
                assert r.headers["access-control-allow-origin"] == PORTAL, (m, path)
                allowed = [x.strip() for x in r.headers["access-control-allow-methods"].split(",")]
                assert sorted(allowed) == sorted(methods), (m, path, allowed)
                asked = {h.strip() for h in r.headers["access-control-allow-headers"].split(",")}
                assert {"authorization", "content-type", "if-match", "idempotency-key"} <= asked
                checked += 1
        assert checked > 60


def test_portal_reads_the_headers_it_needs_and_others_get_no_cors(s):
    with httpx.Client(base_url=s.url, http2=True, http1=False, timeout=10) as c:
        r = c.post("/v1/auth/token", json={"grant_type": "password", "uid": "10000000012", "password": "x"},
                   headers={"Origin": PORTAL})
        exposed = {h.strip() for h in r.headers["access-control-expose-headers"].split(",")}
        assert {"x-request-id", "etag", "location", "retry-after", "idempotent-replayed", "www-authenticate",
                "content-disposition"} <= exposed
        assert "origin" in r.headers["vary"].lower()
        r = c.options("/v1/departments/fin/files", headers={"Origin": "https://evil.example",
                                                             "Access-Control-Request-Method": "POST"})
        assert "access-control-allow-origin" not in r.headers
        assert c.options("/v1/nothing-here", headers={"Origin": PORTAL}).status_code == 404
        r = c.options("/v1/departments/fin/files/%s" % SAMPLE["file_id"])  # not a preflight: the methods
        assert r.status_code == 204 and r.headers["allow"] == "GET, PATCH"
