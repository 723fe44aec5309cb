"""The client address behind a front proxy (security review item 1).

HAProxy's `option forwardfor` appends its own X-Forwarded-For line after whatever the client
sent, and daftar read the first line only: a client that wrote `X-Forwarded-For: <a trusted
network>` itself counted as that network (a confidential file was returned), the audit and the
access log recorded the forged address, and every sign-in could claim a new address, so the
per-address throttle never tripped. Every line is now one list, walked from the right past
trusted proxies only. These tests send both header forms (several lines, one comma-joined line)
straight to daftar from a trusted proxy's address, then go through a real HAProxy and a real
nginx (deploy/deps.sh installs both; the tests skip when either is missing), with the settings
SECURITY.md gives and with deploy/haproxy.cfg.example and deploy/nginx.conf.example themselves.
"""
import os
import shutil
import socket
import subprocess
import tempfile
import time

import httpx
import pytest

from conftest import ROOT, Server, assert_problem, free_port, keyed_env
from test_auth import PASSWORD, Officers, bearer, login, tokens
from test_files import files_url, otp_token

TRUSTED = "127.0.0.2"  # the department's trusted network; daftar trusts the proxy at 127.0.0.1
OUTSIDE = "127.0.0.3"  # a client on no trusted network


@pytest.fixture(scope="module")
def w(db, tmp_path_factory):
    env = keyed_env(db, DAFTAR_TRUSTED_PROXIES="127.0.0.1/32", DAFTAR_LOGIN_ADDRESS_LIMIT="6")
    a = db.add_dept("prx")
    db.cli("dept", "set", a, "--trusted-cidrs", TRUSTED + "/32")
    off = Officers(db, str(tmp_path_factory.mktemp("pw")))
    people = {"conf": off.add(a, "officer", clearance="confidential")[0], "plain": off.add(a, "officer")[0]}
    s = Server(env_extra=env)
    s.wait_ready()
    w = dict(people, a=a, off=off, server=s, db=db)
    with client(w, TRUSTED) as t:  # a confidential file, made from the trusted network
        w["conf_auth"] = otp_token(t, w, "conf")
        r = t.post(files_url(w), headers=w["conf_auth"],
                   json={"subject": "Vigilance case", "section": "VIG", "classification": "confidential"})
        assert r.status_code == 201, r.text
        w["conf_url"] = files_url(w) + "/" + r.json()["id"]
    yield w
    s.stop()


def client(w, source=None, url=None, http2=False):
    """A client of daftar (or of a proxy at url) from a loopback source address; from 127.0.0.1
    it connects as the trusted proxy would."""
    transport = httpx.HTTPTransport(local_address=source, http1=not http2, http2=http2) if source else None
    return httpx.Client(base_url=url or w["server"].url, timeout=20, transport=transport, http1=not http2, http2=http2)


def access_client(w, request_id):
    lines = w["server"].access_lines(request_id)
    assert lines, "no access log line for " + request_id
    return lines[0]["client"]


FORMS = {
    # what the client wrote, then what its proxy appended
    "two_lines": [("X-Forwarded-For", TRUSTED), ("X-Forwarded-For", "203.0.113.9")],
    "one_line": [("X-Forwarded-For", TRUSTED + ", 203.0.113.9")],
}


@pytest.mark.parametrize("http2", [False, True], ids=["http1", "h2c"])
@pytest.mark.parametrize("form", sorted(FORMS))
def test_a_forged_first_hop_does_not_make_the_client_trusted(w, form, http2):
    with client(w, "127.0.0.1", http2=http2) as p:
        r = p.get(w["conf_url"], headers=[("Authorization", w["conf_auth"]["Authorization"])] + FORMS[form])
        assert_problem(r, 404)
        assert access_client(w, r.headers["x-request-id"]) == "203.0.113.9"
        # the same request from a client that is on the trusted network, as its proxy says
        honest = [("X-Forwarded-For", "198.51.100.1, " + TRUSTED)] if form == "one_line" else \
            [("X-Forwarded-For", "198.51.100.1"), ("X-Forwarded-For", TRUSTED)]
        assert p.get(w["conf_url"], headers=[("Authorization", w["conf_auth"]["Authorization"])] + honest).status_code == 200


def test_the_audit_and_the_access_log_record_the_real_client(w):
    with client(w) as c:
        auth = bearer(tokens(c, w["plain"])["access_token"])
    with client(w, "127.0.0.1") as p:
        forged = [("X-Forwarded-For", "10.1.1.1"), ("X-Forwarded-For", "203.0.113.9")]
        r = p.post(files_url(w), headers=[("Authorization", auth["Authorization"])] + forged,
                   json={"subject": "Audited through the proxy", "section": "GEN"})
        assert r.status_code == 201, r.text
    rid = r.headers["x-request-id"]
    audited = w["db"].psql("SELECT DISTINCT client FROM dept_%s.audit_events WHERE request_id = '%s'" % (w["a"], rid))
    assert audited.stdout.split() == ["203.0.113.9"]
    assert access_client(w, rid) == "203.0.113.9"


def test_forged_hops_do_not_get_round_the_sign_in_throttle(w):
    """login_address_limit is 6 on this server: six failures from one real address, each claiming
    a new address in its own first line, then the right password from that address is refused."""
    real = "203.0.113.50"
    good = w["off"].add(w["a"])[0]
    victims = [w["off"].add(w["a"])[0] for _ in range(3)]
    with client(w, "127.0.0.1") as p:
        for i, v in enumerate(victims * 2):  # at most two failures an account: no account locks
            xff = [("X-Forwarded-For", "10.9.%d.1" % i), ("X-Forwarded-For", real)]
            r = p.post("/v1/auth/token", headers=xff, json={"grant_type": "password", "uid": v, "password": "guessed-password"})
            assert_problem(r, 401)
        r = p.post("/v1/auth/token", headers=[("X-Forwarded-For", "10.9.99.1"), ("X-Forwarded-For", real)],
                   json={"grant_type": "password", "uid": good, "password": PASSWORD})
        assert_problem(r, 429, "rate-limited")
    counted = w["db"].psql("SELECT addr, sum(failures) FROM daftar.address_failures WHERE addr = '%s' OR addr LIKE '10.9.%%' "
                           "GROUP BY addr" % real).stdout.split()
    assert counted == [real + "|6"]
    with client(w, OUTSIDE) as c:  # another address is not throttled
        assert login(c, good).status_code == 200


# ------------------------------------------------------------- real front proxies

def wait_port(port, proc, what, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("%s exited with %s" % (what, proc.returncode))
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(what + " did not come up")


def example(name, replacements):
    """A shipped example with its listen address and upstream replaced (each line must be there as is)."""
    with open(os.path.join(ROOT, "deploy", name)) as f:
        text = f.read()
    for old, new in replacements:
        assert old in text, "%s no longer has %r" % (name, old)
        text = text.replace(old, new)
    return text


def haproxy_append(port, upstream):
    """HAProxy's option forwardfor alone: the client's own X-Forwarded-For passes, the proxy's line comes last."""
    return ("global\n    log stdout format raw local0\n"
            "defaults\n    mode http\n    timeout connect 5s\n    timeout client 30s\n    timeout server 30s\n"
            "frontend f\n    bind 127.0.0.1:%d\n    option forwardfor\n    default_backend b\n"
            "backend b\n    server d 127.0.0.1:%d\n" % (port, upstream))


def haproxy_example(port, upstream):
    return example("haproxy.cfg.example", [("bind :443 ssl crt /etc/haproxy/daftar.pem alpn h2,http/1.1", "bind 127.0.0.1:%d" % port),
                                           ("server daftar1 127.0.0.1:8080", "server daftar1 127.0.0.1:%d" % upstream)])


def nginx_server(port, upstream, xff):
    return ("upstream daftar { server 127.0.0.1:%d; }\n"
            "server {\n    listen 127.0.0.1:%d;\n    location / {\n        proxy_pass http://daftar;\n"
            "        proxy_set_header X-Forwarded-For %s;\n    }\n}\n" % (upstream, port, xff))


def nginx_append(port, upstream):
    """nginx's $proxy_add_x_forwarded_for: what the client sent, joined into one line, then the address nginx saw."""
    return nginx_server(port, upstream, "$proxy_add_x_forwarded_for")


def nginx_example(port, upstream):
    return example("nginx.conf.example", [("    listen 443 ssl http2;\n", "    listen 127.0.0.1:%d;\n" % port),
                                          ("    ssl_certificate     /etc/nginx/daftar.crt;\n", ""),
                                          ("    ssl_certificate_key /etc/nginx/daftar.key;\n", ""),
                                          ("server 127.0.0.1:8080;", "server 127.0.0.1:%d;" % upstream)])


def start_haproxy(d, text):
    cfg = os.path.join(d, "haproxy.cfg")
    with open(cfg, "w") as f:
        f.write(text)
    check = subprocess.run(["haproxy", "-c", "-f", cfg], capture_output=True, text=True, timeout=30)
    assert check.returncode == 0, check.stdout + check.stderr
    return subprocess.Popen(["haproxy", "-db", "-f", cfg], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def start_nginx(d, text):
    with open(os.path.join(d, "daftar.conf"), "w") as f:
        f.write(text)
    cfg = os.path.join(d, "nginx.conf")
    with open(cfg, "w") as f:
        f.write("daemon off;\nworker_processes 1;\npid %s/nginx.pid;\nerror_log %s/error.log;\nevents {}\n"
                "http {\n    access_log off;\n    client_body_temp_path %s/body;\n    proxy_temp_path %s/proxy;\n"
                "    include %s/daftar.conf;\n}\n" % (d, d, d, d, d))
    check = subprocess.run(["nginx", "-t", "-e", "stderr", "-p", d, "-c", cfg], capture_output=True, text=True, timeout=30)
    assert check.returncode == 0, check.stdout + check.stderr
    return subprocess.Popen(["nginx", "-e", "stderr", "-p", d, "-c", cfg], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


PROXIES = {
    "haproxy_forwardfor": ("haproxy", haproxy_append, start_haproxy),
    "haproxy_example": ("haproxy", haproxy_example, start_haproxy),
    "nginx_proxy_add_x_forwarded_for": ("nginx", nginx_append, start_nginx),
    "nginx_example": ("nginx", nginx_example, start_nginx),
}


@pytest.fixture(params=sorted(PROXIES))
def proxy(request, w):
    binary, config, start = PROXIES[request.param]
    if shutil.which(binary) is None:
        pytest.skip("%s is not installed (deploy/deps.sh installs it)" % binary)
    d = tempfile.mkdtemp(prefix="daftar-%s-" % binary)
    port = free_port()
    proc = start(d, config(port, w["server"].port))
    try:
        wait_port(port, proc, binary)
        yield "http://127.0.0.1:%d" % port
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        shutil.rmtree(d, ignore_errors=True)


def test_through_a_real_proxy_only_the_address_it_saw_counts(w, proxy):
    auth = [("Authorization", w["conf_auth"]["Authorization"])]
    with client(w, OUTSIDE, url=proxy) as outside:
        for forged in ([("X-Forwarded-For", TRUSTED)], [("X-Forwarded-For", "198.51.100.1"), ("X-Forwarded-For", TRUSTED)]):
            r = outside.get(w["conf_url"], headers=auth + forged)
            assert_problem(r, 404)
            assert access_client(w, r.headers["x-request-id"]) == OUTSIDE
    with client(w, TRUSTED, url=proxy) as inside:  # the trusted network, through the same proxy
        r = inside.get(w["conf_url"], headers=auth)
        assert r.status_code == 200, r.text
        assert access_client(w, r.headers["x-request-id"]) == TRUSTED
