"""Start-up and shutdown behaviour of `daftar serve`."""
import signal
import subprocess
import time

import httpx

from conftest import BIN, Server, free_port


def test_sigterm_exits_zero_promptly():
    s = Server()
    with httpx.Client(base_url=s.url) as c:
        assert c.get("/healthz").status_code == 200
    t0 = time.monotonic()
    s.signal(signal.SIGTERM)
    assert s.proc.wait(10) == 0
    assert time.monotonic() - t0 < 5, "SIGTERM took seconds to drain an idle server"
    s.stop()
    assert "drained" in s.logs()


def test_sigint_with_open_keepalive_connections_exits_zero():
    s = Server()
    c1 = httpx.Client(base_url=s.url, http1=True, http2=False)
    c2 = httpx.Client(base_url=s.url, http1=False, http2=True)
    assert c1.get("/healthz").status_code == 200
    assert c2.get("/healthz").status_code == 200
    s.signal(signal.SIGINT)
    try:
        assert s.proc.wait(10) == 0
    finally:
        c1.close()
        c2.close()
        s.stop()


def test_stops_accepting_after_sigterm():
    s = Server()
    s.signal(signal.SIGTERM)
    s.proc.wait(10)
    try:
        httpx.get(s.url + "/healthz", timeout=1)
        raise AssertionError("still accepting after exit")
    except httpx.ConnectError:
        pass
    s.stop()


def test_bad_config_exits_nonzero_with_message():
    p = subprocess.run([BIN, "serve"], env={"DAFTAR_MAX_BODY": "lots"}, capture_output=True, timeout=10)
    assert p.returncode != 0
    assert b"DAFTAR_MAX_BODY" in p.stderr
    p = subprocess.run([BIN, "serve", "--config", "/nonexistent/daftar.conf"], capture_output=True, timeout=10)
    assert p.returncode != 0 and b"cannot open config file" in p.stderr


def test_port_in_use_without_reuse_fails_fast(tmp_path):
    conf = tmp_path / "d.conf"
    conf.write_text("listen = 127.0.0.1:%d\ntls_listen = 127.0.0.1:%d\ntls_cert = /nonexistent.pem\ntls_key = /x\n"
                    % (free_port(), free_port()))
    p = subprocess.run([BIN, "serve", "--config", str(conf)], capture_output=True, timeout=10)
    assert p.returncode == 1
    assert b"TLS" in p.stderr


def test_a_second_server_on_the_same_port_refuses_to_start():
    """Each thread's listener shares the port through SO_REUSEPORT, which would let a second daftar bind it too and
    quietly take part of the first one's connections: it exits saying why, and the first keeps serving."""
    s = Server()
    try:
        p = subprocess.run([BIN, "serve"], env=s.env, capture_output=True, text=True, timeout=15)
        assert p.returncode != 0
        assert "another process listens there" in p.stdout + p.stderr
        for _ in range(20):  # new connections all reach the first server
            assert httpx.get(s.url + "/healthz", timeout=5).status_code == 200
    finally:
        s.stop()


def test_help_for_each_command():
    for args in (["--help"], ["serve", "--help"], ["routes", "--help"]):
        p = subprocess.run([BIN] + args, capture_output=True, timeout=10)
        assert p.returncode == 0 and b"usage: daftar" in p.stdout
    p = subprocess.run([BIN, "frobnicate"], capture_output=True, timeout=10)
    assert p.returncode == 2


def test_stop_and_continue_does_not_end_the_server():
    """SIGSTOP/SIGCONT (or a debugger attaching) interrupts epoll_wait and sigwait
    with EINTR; neither the loops nor the signal wait may take that for a shutdown."""
    s = Server()
    try:
        for _ in range(3):
            s.signal(signal.SIGSTOP)
            time.sleep(0.1)
            s.signal(signal.SIGCONT)
            time.sleep(0.1)
        with httpx.Client(base_url=s.url, http1=False, http2=True) as c:
            for _ in range(20):
                assert c.get("/healthz").status_code == 200
        assert s.proc.poll() is None
    finally:
        s.stop()
    assert s.proc.returncode == 0
