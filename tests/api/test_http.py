"""The HTTP foundation: protocols, problem+json errors, limits, headers, logs."""
import json
import socket

import httpx
import pytest

from conftest import Server, assert_problem, free_port


def test_http1_answers(h1):
    r = h1.get("/healthz")
    assert r.status_code == 200 and r.http_version == "HTTP/1.1"
    assert r.json() == {"status": "ok"}
    assert r.headers["x-request-id"]
    assert r.headers["cache-control"] == "no-store"


def test_h2c_prior_knowledge_answers(h2c):
    r = h2c.get("/healthz")
    assert r.status_code == 200 and r.http_version == "HTTP/2"


def test_tls_alpn_h2_answers(h2tls):
    r = h2tls.get("/healthz")
    assert r.status_code == 200 and r.http_version == "HTTP/2"


def test_tls_http1_answers(server, tls_files):
    with httpx.Client(base_url=server.tls_url, http2=False, verify=tls_files[0]) as c:
        r = c.get("/healthz")
        assert r.status_code == 200 and r.http_version == "HTTP/1.1"


def test_tls_refuses_tls11(server):
    import ssl
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    ctx.minimum_version = ssl.TLSVersion.MINIMUM_SUPPORTED
    ctx.maximum_version = ssl.TLSVersion.TLSv1_1
    with socket.create_connection(("127.0.0.1", server.tls_port), timeout=5) as raw:
        with pytest.raises(ssl.SSLError):
            with ctx.wrap_socket(raw):
                pass


def test_h2c_upgrade_answers(server):
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as s:
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings\r\n"
                  b"Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n\r\n")
        first = s.recv(4096)
    assert first.startswith(b"HTTP/1.1 101")


@pytest.mark.parametrize("client", ["h1", "h2c", "h2tls"])
def test_unknown_path_is_404_problem(client, request):
    c = request.getfixturevalue(client)
    body = assert_problem(c.get("/v1/nothing-here"), 404, "not-found")
    assert body["instance"] == "/v1/nothing-here"


@pytest.mark.parametrize("client", ["h1", "h2c"])
def test_wrong_method_is_405_with_allow(client, request):
    c = request.getfixturevalue(client)
    r = c.delete("/healthz")
    assert_problem(r, 405, "method-not-allowed")
    assert r.headers["allow"] == "GET"


@pytest.mark.parametrize("client", ["h1", "h2c"])
def test_unknown_query_parameter_is_400(client, request):
    c = request.getfixturevalue(client)
    body = assert_problem(c.get("/healthz?debug=1"), 400, "invalid-request")
    said = "This query parameter is not accepted here."
    assert body["errors"] == [{"field": "debug", "reason": "unknown_parameter", "detail": said, "message": said,
                               "detail_hi": "यह पैरामीटर यहाँ स्वीकार नहीं किया जाता।"}]  # no pointer: not in a body


def test_bad_percent_encoding_is_400(h1):
    assert_problem(h1.get("/healthz%2Fx"), 400, "invalid-request")


def test_hindi_titles(h2c):
    body = assert_problem(h2c.get("/nope", headers={"Accept-Language": "hi-IN,hi;q=0.9,en;q=0.5"}), 404)
    assert body["title"] == "संसाधन नहीं मिला"
    body = assert_problem(h2c.get("/nope", headers={"Accept-Language": "en-IN, hi"}), 404)
    assert body["title"] == "The resource was not found"


def test_request_id_echoed_when_sane_and_replaced_when_not(h1):
    r = h1.get("/healthz", headers={"X-Request-Id": "portal-42.abc:7"})
    assert r.headers["x-request-id"] == "portal-42.abc:7"
    r = h1.get("/healthz", headers={"X-Request-Id": "bad id<script>"})
    assert r.headers["x-request-id"] != "bad id<script>"
    assert len(r.headers["x-request-id"]) >= 16
    r = h1.get("/healthz", headers={"X-Request-Id": "x" * 65})
    assert r.headers["x-request-id"] != "x" * 65


def test_request_ids_are_unique(h2c):
    ids = {h2c.get("/healthz").headers["x-request-id"] for _ in range(50)}
    assert len(ids) == 50


@pytest.mark.parametrize("client", ["h1", "h2c"])
def test_oversized_body_is_413_and_server_keeps_serving(client, request, server):
    c = request.getfixturevalue(client)
    big = b"{" + b" " * (2 * 1024 * 1024) + b"}"
    try:
        r = c.post("/healthz", content=big, headers={"content-type": "application/json"})
        assert_problem(r, 413, "too-large")
    except httpx.RemoteProtocolError:
        pytest.fail("the server reset the request instead of answering 413")
    with httpx.Client(base_url=server.url) as fresh:
        assert fresh.get("/healthz").status_code == 200


def test_oversized_body_413_over_raw_http1(server):
    """A client that sends Content-Length first gets a problem+json 413, not a reset."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as s:
        s.sendall(b"POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  b"Content-Length: 30000000\r\n\r\n" + b" " * 65536)
        data = b""
        while True:
            try:
                chunk = s.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413")
    assert b"content-type: application/problem+json" in head.lower()
    assert json.loads(body)["status"] == 413


def test_readyz_without_database_is_503(h1):
    r = h1.get("/readyz")
    assert r.status_code == 503
    assert r.json()["status"] == "not_ready"
    assert r.headers["retry-after"] == "1"


def test_metrics_count_requests_by_route_and_status(server, h1):
    h1.get("/healthz")
    h1.get("/nope")
    text = httpx.get(server.metrics_url + "/metrics", timeout=10).text
    assert 'daftar_requests_total{route="healthz",status="200"}' in text
    assert 'daftar_requests_total{route="unmatched",status="404"}' in text
    assert "daftar_request_duration_seconds_bucket" in text
    assert "daftar_requests_in_flight" in text
    assert "daftar_db_queue_depth" in text


def test_access_log_has_one_json_line_per_request_and_no_secrets(server, h1):
    secret = "Bearer eyJhbGciOiJFUzI1NiJ9.c2VjcmV0.c2ln"
    h1.post("/healthz?token=hunter2", content=b'{"password":"hunter2"}',
            headers={"Authorization": secret, "X-Request-Id": "log-check-1", "content-type": "application/json"})
    lines = server.access_lines("log-check-1")
    logs = server.logs()
    assert "hunter2" not in logs and "eyJhbGci" not in logs
    assert len(lines) == 1
    line = lines[0]
    assert line["status"] in (400, 405) and line["path"] == "/healthz"
    assert line["ts"].endswith("Z")


def test_openapi_json_is_served_and_lists_routes(h2c):
    r = h2c.get("/openapi.json")
    assert r.status_code == 200
    doc = r.json()
    assert doc["openapi"].startswith("3.1")
    assert "/healthz" in doc["paths"]


def test_cors_preflight_and_allow_list(tls_files):
    from conftest import Server
    s = Server(env_extra={"DAFTAR_CORS_ORIGINS": "https://portal.example.gov.in"})
    try:
        with httpx.Client(base_url=s.url) as c:
            r = c.options("/healthz", headers={"Origin": "https://portal.example.gov.in",
                                               "Access-Control-Request-Method": "GET"})
            assert r.status_code == 204
            assert r.headers["access-control-allow-origin"] == "https://portal.example.gov.in"
            assert "GET" in r.headers["access-control-allow-methods"]
            r = c.get("/healthz", headers={"Origin": "https://evil.example"})
            assert "access-control-allow-origin" not in r.headers
            r = c.get("/healthz", headers={"Origin": "https://portal.example.gov.in"})
            assert r.headers["access-control-allow-origin"] == "https://portal.example.gov.in"
            assert "cookie" not in (r.headers.get("access-control-allow-credentials") or "")
    finally:
        s.stop()


@pytest.mark.parametrize("client", ["h1", "h2c"])
def test_oversized_headers_are_431_problem_and_server_keeps_serving(client, request, server):
    c = request.getfixturevalue(client)
    r = c.get("/healthz", headers={"X-Padding": "a" * 40000})
    assert_problem(r, 431, "headers-too-large")
    many = {"X-H%d" % i: "v" * 400 for i in range(90)}
    assert_problem(c.get("/healthz", headers=many), 431, "headers-too-large")
    assert c.get("/healthz").status_code == 200


def test_header_flood_beyond_h2o_parser_is_refused_and_server_keeps_serving(server):
    """Past h2o's own HTTP/1.1 parser limits (100 headers, ~128 KiB) h2o answers
    a plain 400 itself and closes; we only check it refuses and survives."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as s:
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + b"".join(b"X-H%d: v\r\n" % i for i in range(200)) + b"\r\n")
        assert s.recv(100).startswith(b"HTTP/1.1 400")
    with httpx.Client(base_url=server.url) as fresh:
        assert fresh.get("/healthz").status_code == 200


def test_problem_body_is_valid_json_for_a_path_with_invalid_utf8(server):
    """The path is echoed as `instance`; invalid UTF-8 in it must not make the body invalid JSON."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as s:
        s.sendall(b"GET /caf\xe9/\xff\xfe HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400")  # a path segment that is not UTF-8 is malformed
    problem = json.loads(body.decode("utf-8"))  # strict: raises on invalid UTF-8
    assert problem["status"] == 400 and "\ufffd" in problem["instance"]
    said = "The path is not validly encoded."
    assert problem["errors"] == [{"field": "path", "reason": "malformed", "detail": said, "message": said,
                                  "detail_hi": "यह सही रूप में नहीं है।"}]


def test_metrics_are_served_on_their_own_listener_only(tls_files):
    """Security review item 15: /metrics was public on the API listener. It is served on
    metrics_listen alone (loopback by default), and the API listeners answer 404, even to the
    metrics token."""
    token = "m" * 40
    s = Server(tls=tls_files, env_extra={"DAFTAR_METRICS_TOKEN": token})
    try:
        for url in (s.url, s.tls_url):
            for headers in ({"Authorization": "Bearer " + token}, {}):
                assert_problem(httpx.get(url + "/metrics", headers=headers, verify=tls_files[0], timeout=10), 404)
        for http2 in (False, True):  # naming the metrics listener's host changes nothing
            with httpx.Client(base_url=s.url, http1=not http2, http2=http2, timeout=10) as c:
                for host in ("metrics", "metrics:65535"):
                    assert_problem(c.get("/metrics", headers={"Host": host, "Authorization": "Bearer " + token}), 404)
        with httpx.Client(base_url=s.metrics_url, timeout=10) as m:
            assert_problem(m.get("/metrics"), 401)  # with a token set, the metrics listener wants it too
            assert_problem(m.get("/metrics", headers={"Authorization": "Bearer " + "m" * 39 + "x"}), 401)
            r = m.get("/metrics", headers={"Authorization": "Bearer " + token})
            assert r.status_code == 200 and "daftar_requests_total" in r.text
            for path in ("/healthz", "/openapi.json", "/v1/departments", "/.well-known/jwks.json"):
                assert_problem(m.get(path), 404)  # and serves nothing else
    finally:
        s.stop()


def test_metrics_listener_is_loopback_without_a_token(server):
    r = httpx.get(server.metrics_url + "/metrics", timeout=10)  # the test servers: loopback, no token
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    with pytest.raises(RuntimeError, match="metrics_listen .* needs metrics_token"):
        Server(env_extra={"DAFTAR_METRICS_LISTEN": "0.0.0.0:%d" % free_port()})
    with pytest.raises(RuntimeError, match="metrics_token must be"):
        Server(env_extra={"DAFTAR_METRICS_TOKEN": "short"})
    s = Server(env_extra={"DAFTAR_METRICS_LISTEN": ""})  # off
    try:
        with pytest.raises(httpx.ConnectError):
            httpx.get(s.metrics_url + "/metrics", timeout=5)
        assert_problem(httpx.get(s.url + "/metrics", timeout=10), 404)
    finally:
        s.stop()
