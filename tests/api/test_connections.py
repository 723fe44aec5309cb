"""Hostile connections: slowloris, slow bodies, slow readers, HTTP/2 floods, header tricks.

Each test runs a server with short timeouts (so a test takes seconds), a
normal client that must keep being served while the attack runs, and checks
that the stalled connections are closed and the server's file descriptors
come back. Time limits in asserts are wide margins that prove "closed, not
held for ever", never speed.
"""
import os
import resource
import socket
import threading
import time

import h2.config
import h2.connection
import h2.events
import h2.settings
import httpx
import pytest

from conftest import Server

TIMEOUTS = {"DAFTAR_HEADER_TIMEOUT_MS": "1500", "DAFTAR_IDLE_TIMEOUT_MS": "3000",
            "DAFTAR_DB_STATEMENT_TIMEOUT_MS": "1000", "DAFTAR_DB_WAIT_MS": "1000"}


@pytest.fixture(scope="module")
def srv(tls_files):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < 4096:  # 1,000 sockets here and as many in the server (which inherits the limit)
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 8192), hard))
    s = Server(env_extra=TIMEOUTS, tls=tls_files)
    yield s
    s.stop()


def server_fds(s):
    return len(os.listdir("/proc/%d/fd" % s.proc.pid))


def open_connections(s):
    for line in httpx.get(s.metrics_url + "/metrics", timeout=10).text.splitlines():
        if line.startswith("daftar_connections_open "):
            return int(line.split()[1])
    raise AssertionError("no daftar_connections_open in /metrics")


class Prober:
    """A normal client asking /healthz over fresh HTTP/1.1 and h2c connections while an attack runs."""

    def __init__(self, s):
        self.s, self.ok, self.failures, self.stop = s, 0, [], threading.Event()
        self.t = threading.Thread(target=self.run, daemon=True)
        self.t.start()

    def run(self):
        while not self.stop.is_set():
            for h2 in (False, True):
                try:
                    with httpx.Client(base_url=self.s.url, http1=not h2, http2=h2, timeout=10) as c:
                        r = c.get("/healthz")
                        assert r.status_code == 200
                        self.ok += 1
                except Exception as e:  # noqa: BLE001 — every failure is reported by finish()
                    self.failures.append(repr(e))
            time.sleep(0.1)

    def finish(self):
        self.stop.set()
        self.t.join(30)
        assert self.failures == [], self.failures[:5]
        assert self.ok >= 2, "the normal client was never served"


def wait_until(pred, limit, what):
    t0 = time.monotonic()
    while not pred():
        assert time.monotonic() - t0 < limit, what
        time.sleep(0.2)
    return time.monotonic() - t0


def is_closed(sock):
    """True once the peer closed (EOF or reset); never blocks."""
    sock.setblocking(False)
    try:
        while True:
            d = sock.recv(65536)
            if not d:
                return True
    except BlockingIOError:
        return False
    except OSError:
        return True


def h2_client(port, window=None):
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    conn = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True, header_encoding="utf-8"))
    conn.initiate_connection()
    if window is not None:
        conn.update_settings({h2.settings.SettingCodes.INITIAL_WINDOW_SIZE: window})
    sock.sendall(conn.data_to_send())
    return sock, conn


def req_headers(path, method="GET", **extra):
    return [(":method", method), (":path", path), (":scheme", "http"), (":authority", "x")] + list(extra.items())


# ------------------------------------------------------------------ slowloris

def test_slowloris_1000_connections_are_closed_and_normal_clients_served(srv):
    base_fds = server_fds(srv)
    prober = Prober(srv)
    socks = []
    try:
        for i in range(1000):
            s = socket.create_connection(("127.0.0.1", srv.port), timeout=10)
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
            socks.append(s)
        # they are really held by the server (accepted in batches: give it a moment)
        wait_until(lambda: server_fds(srv) >= base_fds + 900, 20, "the server did not accept the connections")
        # trickle a header line on each every half second until the server closes them
        open_socks = list(socks)
        t0 = time.monotonic()
        while open_socks:
            assert time.monotonic() - t0 < 30, "%d trickling connections still open after 30 s" % len(open_socks)
            still = []
            for s in open_socks:
                try:
                    s.sendall(b"X-Slow: 1\r\n")
                    if not is_closed(s):
                        still.append(s)
                except OSError:
                    pass
            open_socks = still
            time.sleep(0.5)
        prober.finish()
    finally:
        for s in socks:
            s.close()
    wait_until(lambda: server_fds(srv) <= base_fds + 5, 20, "the server kept the file descriptors")
    wait_until(lambda: open_connections(srv) <= 2, 20, "daftar_connections_open did not come back")


def test_silent_connections_and_stalled_tls_handshakes_are_closed(srv):
    plain = [socket.create_connection(("127.0.0.1", srv.port), timeout=10) for _ in range(50)]
    tls = [socket.create_connection(("127.0.0.1", srv.tls_port), timeout=10) for _ in range(50)]
    half = []
    for _ in range(20):  # a TLS ClientHello cut in the middle
        s = socket.create_connection(("127.0.0.1", srv.tls_port), timeout=10)
        s.sendall(bytes.fromhex("160301") + b"\x02\x00" + b"\x01\x00\x01\xfc\x03\x03")
        half.append(s)
    try:
        wait_until(lambda: all(is_closed(s) for s in plain + tls + half), 20, "silent connections still open")
    finally:
        for s in plain + tls + half:
            s.close()


# ------------------------------------------------------------------ slow bodies

def test_slow_http1_body_is_closed(srv):
    s = socket.create_connection(("127.0.0.1", srv.port), timeout=10)
    s.sendall(b"POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n")

    def trickle():
        try:
            s.sendall(b" ")
        except OSError:
            return True
        return is_closed(s)
    wait_until(trickle, 20, "a body trickled one byte at a time is held open")
    s.close()


def test_slow_http2_body_is_closed_and_other_clients_served(srv):
    prober = Prober(srv)
    conns = []
    for _ in range(20):
        sock, conn = h2_client(srv.port)
        for _ in range(4):
            sid = conn.get_next_available_stream_id()
            conn.send_headers(sid, req_headers("/healthz", "POST", **{"content-type": "application/json",
                                                                     "content-length": "100000"}))
        sock.sendall(conn.data_to_send())
        conns.append((sock, conn))

    def trickle():
        alive = 0
        for sock, conn in conns:
            try:
                for sid in (1, 3, 5, 7):
                    conn.send_data(sid, b" ")
                sock.sendall(conn.data_to_send())
                if not is_closed(sock):
                    alive += 1
            except Exception:  # noqa: BLE001 — a closed connection refuses further frames
                pass
        return alive == 0
    try:
        # every frame re-arms h2o's idle timer; the watchdog's min_body_rate closes them
        wait_until(trickle, 30, "HTTP/2 bodies trickled a byte at a time are held open")
        prober.finish()
    finally:
        for sock, _ in conns:
            sock.close()


def test_http2_upload_at_a_fair_rate_is_not_cut(srv):
    """The slow-body rule must not cut a client that sends steadily (4 KiB every 0.25 s)."""
    sock, conn = h2_client(srv.port)
    body = b"{" + b" " * (60 * 1024) + b"}"
    conn.send_headers(1, req_headers("/healthz", "POST", **{"content-type": "application/json",
                                                            "content-length": str(len(body))}))
    sock.sendall(conn.data_to_send())
    for off in range(0, len(body), 4096):
        conn.send_data(1, body[off:off + 4096], end_stream=off + 4096 >= len(body))
        sock.sendall(conn.data_to_send())
        time.sleep(0.25)  # about 4 s in all: longer than header_timeout_ms
    status = None
    sock.settimeout(10)
    while status is None:
        data = sock.recv(65536)
        assert data, "the server closed a fairly paced upload"
        for e in conn.receive_data(data):
            if isinstance(e, h2.events.ResponseReceived):
                status = dict(e.headers)[":status"]
    assert status == "405"  # /healthz is GET only: the body arrived whole and the request was answered
    sock.close()


# ------------------------------------------------------------------ slow readers

def test_http1_reader_that_stops_reading_is_closed(srv):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.connect(("127.0.0.1", srv.port))
    s.sendall(b"GET /openapi.json HTTP/1.1\r\nHost: x\r\n\r\n" * 400)  # ~15 MB of answers, never read
    time.sleep(1)
    wait_until(lambda: is_closed(s), 30, "a peer that never reads keeps its connection and responses")
    s.close()


def test_http2_zero_window_reader_is_closed(srv):
    sock, conn = h2_client(srv.port, window=0)
    for _ in range(10):
        conn.send_headers(conn.get_next_available_stream_id(), req_headers("/openapi.json"), end_stream=True)
    sock.sendall(conn.data_to_send())
    wait_until(lambda: is_closed(sock), 30, "an HTTP/2 peer with a zero window keeps its streams for ever")
    sock.close()


# ------------------------------------------------------------------ HTTP/2 floods

def flood(srv, build, frames=20000, read=True):
    """Sends `frames` attack frames made by build(conn, i) on one connection, then checks the server."""
    sock, conn = h2_client(srv.port)
    sock.settimeout(10)
    sent = 0
    try:
        for i in range(frames):
            build(conn, i)
            if i % 200 == 199:
                sock.sendall(conn.data_to_send())
                sent = i + 1
                if read:
                    sock.setblocking(False)
                    try:
                        while sock.recv(1 << 20):
                            pass
                    except (BlockingIOError, ConnectionResetError):
                        pass
                    sock.settimeout(10)
        sock.sendall(conn.data_to_send())
    except (BrokenPipeError, ConnectionResetError):
        pass  # the server gave up on this connection: that is an answer too
    finally:
        sock.close()
    return sent


@pytest.mark.parametrize("attack", ["rapid_reset", "ping", "settings", "window_update", "empty_data", "priority"])
def test_http2_floods_leave_the_server_serving(srv, attack):
    prober = Prober(srv)
    rss0 = rss_kib(srv)
    req = req_headers("/healthz")

    def rapid_reset(conn, i):
        sid = conn.get_next_available_stream_id()
        conn.send_headers(sid, req, end_stream=True)
        conn.reset_stream(sid)

    def ping(conn, i):
        conn.ping(i.to_bytes(8, "big"))

    def settings(conn, i):
        conn.update_settings({h2.settings.SettingCodes.MAX_CONCURRENT_STREAMS: 100 + i % 7})

    def window_update(conn, i):
        conn.increment_flow_control_window(1)

    state = {}

    def empty_data(conn, i):
        if "sid" not in state:
            state["sid"] = conn.get_next_available_stream_id()
            conn.send_headers(state["sid"], req_headers("/healthz", "POST", **{"content-type": "application/json"}))
        conn.send_data(state["sid"], b"")

    def priority(conn, i):
        conn.prioritize(2 * i + 1, weight=1 + i % 200, depends_on=0)

    builder = {"rapid_reset": rapid_reset, "ping": ping, "settings": settings, "window_update": window_update,
               "empty_data": empty_data, "priority": priority}[attack]
    flood(srv, builder, read=attack != "ping")  # the PING flood never reads its ACKs
    prober.finish()
    assert srv.proc.poll() is None
    with httpx.Client(base_url=srv.url, http1=False, http2=True, timeout=10) as c:
        assert c.get("/healthz").status_code == 200
    assert rss_kib(srv) - rss0 < 200 * 1024, "the server's memory grew by more than 200 MiB"


def rss_kib(srv):
    with open("/proc/%d/status" % srv.proc.pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def test_http2_continuation_flood_is_refused(srv):
    """Headers that never end (CONTINUATION after CONTINUATION) must not be buffered without bound."""
    prober = Prober(srv)
    sock, conn = h2_client(srv.port)
    sock.sendall(b"\x00\x00\x01\x01\x00\x00\x00\x00\x01\x82")  # HEADERS, no END_HEADERS
    chunk = b"\x00\x40\x00\x09\x00\x00\x00\x00\x01" + b"\x40\x01a\x7f\xff\xff\xff\x0f" + b"a" * (16384 - 9)
    refused = False
    try:
        for _ in range(2000):  # up to 32 MiB of header block
            sock.sendall(chunk)
    except (BrokenPipeError, ConnectionResetError):
        refused = True
    if not refused:
        wait_until(lambda: is_closed(sock), 20, "an endless header block is still being accepted")
    sock.close()
    prober.finish()
    assert srv.proc.poll() is None


# ------------------------------------------------------------------ header tricks

def test_crlf_in_x_request_id_is_not_echoed(srv):
    # HTTP/2 carries the raw bytes; h2 would refuse to send them unless told not to validate
    sock = socket.create_connection(("127.0.0.1", srv.port), timeout=10)
    conn = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True, validate_outbound_headers=False,
                                                                normalize_outbound_headers=False))
    conn.initiate_connection()
    conn.send_headers(1, [(b":method", b"GET"), (b":path", b"/healthz"), (b":scheme", b"http"), (b":authority", b"x"),
                          (b"x-request-id", b"abc\r\nset-cookie: pwned=1")], end_stream=True)
    sock.sendall(conn.data_to_send())
    headers = None
    while headers is None:
        data = sock.recv(65536)
        assert data
        for e in conn.receive_data(data):
            if isinstance(e, (h2.events.ResponseReceived, h2.events.StreamReset, h2.events.ConnectionTerminated)):
                headers = dict(getattr(e, "headers", []) or [])
    sock.close()
    if headers:  # answered (not refused by h2o): no injected header, no echo
        assert b"set-cookie" not in headers and b"pwned" not in b"".join(headers.values())
        assert headers[b"x-request-id"] != b"abc\r\nset-cookie: pwned=1"
    # HTTP/1.1: a bare CR, or an obs-fold continuation, must not make a second header come out
    for raw in (b"X-Request-Id: abc\rSet-Cookie: pwned=1\r\n", b"X-Request-Id: abc\r\n Set-Cookie: pwned=1\r\n"):
        with socket.create_connection(("127.0.0.1", srv.port), timeout=10) as s:
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + raw + b"Connection: close\r\n\r\n")
            data = b""
            while chunk := s.recv(65536):
                data += chunk
        head = data.partition(b"\r\n\r\n")[0].lower()
        assert b"set-cookie" not in head and b"pwned" not in head, head
    assert srv.proc.poll() is None


def test_oversized_and_too_many_headers_over_http2(srv):
    with httpx.Client(base_url=srv.url, http1=False, http2=True, timeout=10) as c:
        for headers in ({"x-big": "a" * 60000}, {"x-h%d" % i: "v" * 100 for i in range(400)}):
            try:
                r = c.get("/healthz", headers=headers)
                assert r.status_code in (400, 413, 431), r.status_code
            except httpx.RemoteProtocolError:
                pass  # refusing the stream or the connection is an answer too
    with httpx.Client(base_url=srv.url, http1=False, http2=True, timeout=10) as c:
        assert c.get("/healthz").status_code == 200
