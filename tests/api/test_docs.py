"""The /docs page: Swagger UI served by daftar itself, driven in headless Chromium (Debian's `chromium`,
over the DevTools protocol); and the contract linted by the pinned Redocly CLI with zero errors.

The browser test loads the page, finds every operation of the contract listed, signs in through
"Try it out" on POST /v1/auth/token, calls GET /v1/me through "Try it out" with the token that sign-in
left, checks that the page asked nothing of another origin and logged no error (a CSP refusal is one),
and keeps a screenshot (its path is printed; tests/run keeps it in the test log directory)."""
import base64
import json
import os
import shutil
import subprocess
import tempfile
import time

import httpx
import pytest
import websocket

from conftest import LOGDIR, ROOT, Server, keyed_env
from test_auth import PASSWORD, Officers

REDOCLY = os.path.join(ROOT, "deploy", "web", "node_modules", ".bin", "redocly")


def test_contract_lints_with_zero_errors():
    p = subprocess.run([REDOCLY, "lint", "--config", os.path.join(ROOT, "api", "redocly.yaml"),
                        os.path.join(ROOT, "api", "openapi.yaml"), "--format=stylish"],
                       capture_output=True, text=True, timeout=120, cwd=ROOT,
                       env=dict(os.environ, REDOCLY_TELEMETRY="off", REDOCLY_SUPPRESS_UPDATE_NOTICE="true"))
    assert p.returncode == 0, p.stdout[-6000:] + p.stderr[-2000:]


class Browser:
    """Headless Chromium with one page, driven over the DevTools protocol."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="daftar-chromium-")
        self.proc = subprocess.Popen(
            ["chromium", "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
             "--disable-extensions", "--disable-background-networking", "--disable-component-update",
             "--remote-debugging-port=0", "--user-data-dir=" + self.dir, "--window-size=1280,1600", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port_file = os.path.join(self.dir, "DevToolsActivePort")
        deadline = time.monotonic() + 30
        while not (os.path.exists(port_file) and open(port_file).read().count("\n") >= 1):
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise RuntimeError("chromium did not start")
            time.sleep(0.05)
        port = int(open(port_file).read().split()[0])
        page = [t for t in httpx.get("http://127.0.0.1:%d/json" % port).json() if t["type"] == "page"][0]
        self.ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=30, suppress_origin=True)
        self.seq, self.events = 0, []
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.call(domain + ".enable")

    def call(self, method, **params):
        self.seq += 1
        self.ws.send(json.dumps({"id": self.seq, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == self.seq:
                assert "error" not in msg, msg
                return msg.get("result", {})
            self.events.append(msg)

    def eval(self, expr):
        r = self.call("Runtime.evaluate", expression=expr, returnByValue=True, awaitPromise=True)
        assert "exceptionDetails" not in r, r["exceptionDetails"]
        return r["result"].get("value")

    def wait(self, expr, timeout=30):
        deadline = time.monotonic() + timeout
        while True:
            v = self.eval(expr)
            if v:
                return v
            assert time.monotonic() < deadline, "timed out waiting for " + expr
            time.sleep(0.1)

    def close(self):
        self.ws.close()
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture(scope="module")
def w(db, tmp_path_factory):
    env = keyed_env(db)
    a = db.add_dept("doc")
    uid = Officers(db, str(tmp_path_factory.mktemp("pw"))).add(a, "officer", name="Asha Docs")[0]
    s = Server(env_extra=env)
    s.wait_ready()
    yield {"server": s, "uid": uid, "a": a}
    s.stop()


@pytest.fixture(scope="module")
def browser():
    b = Browser()
    yield b
    b.close()


# Sets a React-controlled textarea's text the way typing would.
SET_BODY = """(function (sel, text) {
    var el = document.querySelector(sel);
    Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, "value").set.call(el, text);
    el.dispatchEvent(new Event("input", {bubbles: true}));
    return true;
})(%s, %s)"""


# Swagger UI 5.35 virtualizes the operation list once it has 150 items or more (tags and operations together,
# with every tag open): only the operations near the viewport are in the DOM. So the page is read by scrolling
# it from top to bottom, as a reader would, and an operation is brought into view the way a deep link does.
LISTED_WHILE_SCROLLING = """(async function () {
    var seen = {}, y = 0, wait = function (ms) { return new Promise(function (r) { setTimeout(r, ms); }); };
    for (;;) {
        window.scrollTo(0, y);
        await wait(60);
        document.querySelectorAll(".opblock").forEach(function (e) { seen[e.id] = true; });
        if (y >= document.documentElement.scrollHeight - window.innerHeight) break;
        y += Math.floor(window.innerHeight / 2);
    }
    window.scrollTo(0, 0);
    return Object.keys(seen);
})()"""


def listed_operations(b, want):
    """The ids of every .opblock the page shows from top to bottom. Scrolled through again (at most 5 times in
    all) while `want` is not all seen and the last pass saw something new: on a loaded machine the virtualized
    list may not have drawn a position's blocks within the pass's 60 ms there (CI's ASan pass missed a run of
    13 operations once). What is seen, the page showed."""
    seen = set()
    for _ in range(5):
        more = set(b.eval(LISTED_WHILE_SCROLLING)) - seen
        seen |= more
        if want <= seen or not more:
            return seen
    return seen


def reveal(b, op_id):
    """Brings an operation's block into the DOM (Swagger UI's own scroll for a virtualized list) and into view."""
    tag, name = op_id[len("operations-"):].split("-", 1)
    if not b.eval("!!document.getElementById(%s)" % json.dumps(op_id)):
        b.eval("window.ui.layoutActions.scrollToVirtualizedOperation(%s)" % json.dumps(["operations", tag, name]))
    b.wait("!!document.getElementById(%s)" % json.dumps(op_id))


def try_it(b, op_id, body=None):
    """Opens an operation, sets its JSON body, presses Execute; returns (status, response body text)."""
    block = "#" + op_id
    reveal(b, op_id)
    b.eval("document.querySelector(%s).scrollIntoView()" % json.dumps(block + " .opblock-summary"))
    if not b.eval("!!document.querySelector(%s)" % json.dumps(block + ".is-open")):
        b.eval("document.querySelector(%s).click()" % json.dumps(block + " .opblock-summary-control"))
    b.wait("!!document.querySelector(%s)" % json.dumps(block + " button.execute"))
    if body is not None:
        b.wait("!!document.querySelector(%s)" % json.dumps(block + " textarea.body-param__text"))
        b.eval(SET_BODY % (json.dumps(block + " textarea.body-param__text"), json.dumps(json.dumps(body))))
    b.eval("document.querySelector(%s).click()" % json.dumps(block + " button.execute"))
    status = b.wait("(function () { var c = document.querySelector(%s); return c && c.textContent.trim(); })()"
                    % json.dumps(block + " .live-responses-table .response .response-col_status"))
    text = b.eval("document.querySelector(%s).textContent" % json.dumps(block + " .live-responses-table .response .response-col_description"))
    return status, text


def test_docs_page_lists_every_operation_and_tries_calls_with_a_token(w, browser):
    s, b = w["server"], browser
    spec = httpx.get(s.url + "/openapi.json").json()
    want = {"operations-%s-%s" % (op["tags"][0], op["operationId"])
            for item in spec["paths"].values() for m, op in item.items() if isinstance(op, dict) and "operationId" in op}
    b.call("Page.navigate", url=s.url + "/docs")
    b.wait("window.ui && window.ui.specSelectors.taggedOperations().size > 0 && !!document.querySelector('.opblock')")
    listed = listed_operations(b, want)
    assert listed == want, (sorted(want - listed)[:10], sorted(listed - want)[:10])

    status, text = try_it(b, "operations-identity-createToken",
                          {"grant_type": "password", "uid": w["uid"], "password": PASSWORD})
    assert status == "200", text
    assert "access_token" in text
    status, text = try_it(b, "operations-identity-getMe")  # the token sign-in left, never typed
    assert status == "200", text
    assert w["uid"] in text and "Asha Docs" in text

    shot = base64.b64decode(b.call("Page.captureScreenshot", format="png")["data"])
    path = os.path.join(LOGDIR, "docs.png")
    with open(path, "wb") as f:
        f.write(shot)
    print("screenshot of /docs:", path)
    assert shot[:8] == b"\x89PNG\r\n\x1a\n" and len(shot) > 20000

    urls = [e["params"]["request"]["url"] for e in b.events if e.get("method") == "Network.requestWillBeSent"]
    assert urls and all(u.startswith(s.url + "/") or u.startswith("data:") for u in urls), urls
    errors = [e["params"] for e in b.events if e.get("method") == "Runtime.exceptionThrown" or
              (e.get("method") == "Log.entryAdded" and e["params"]["entry"]["level"] == "error")]
    assert errors == [], errors


def test_docs_files_are_cached_compressed_and_confined(w):
    s = w["server"]
    with httpx.Client(base_url=s.url, http2=True, http1=False, timeout=10) as c:
        page = c.get("/docs")
        assert page.status_code == 200 and page.headers["content-type"] == "text/html; charset=utf-8"
        csp = page.headers["content-security-policy"]
        assert "default-src 'none'" in csp and "script-src 'self'" in csp and "connect-src 'self'" in csp
        assert "frame-ancestors 'none'" in csp
        assert '<script src="/docs/swagger-ui-bundle.js">' in page.text and "http" not in page.text.split("<body>")[1]
        bundle = c.get("/docs/swagger-ui-bundle.js")
        assert bundle.status_code == 200 and bundle.headers["content-type"] == "application/javascript"
        assert bundle.headers["content-encoding"] == "br" and len(bundle.content) > 1000000  # httpx takes br
        gz = c.get("/docs/swagger-ui-bundle.js", headers={"accept-encoding": "gzip"})
        assert gz.headers["content-encoding"] == "gzip" and gz.content == bundle.content
        again = c.get("/docs/swagger-ui-bundle.js", headers={"if-none-match": bundle.headers["etag"]})
        assert again.status_code == 304 and again.content == b""
        assert c.get("/docs/swagger-ui.css").headers["content-type"] == "text/css"
        assert c.get("/docs/favicon-32x32.png").headers["content-type"] == "image/png"
        for bad in ("/docs/nothing.js", "/docs/..%2fopenapi.json", "/docs/%2e%2e", "/docs/index.html%00"):
            r = c.get(bad)
            assert r.status_code in (400, 404) and r.headers["content-type"] == "application/problem+json", bad
