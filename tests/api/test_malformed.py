"""Malformed bodies and parameters on every route, driven by api/openapi.yaml.

For every operation with a JSON request body, a valid body is built from its
schema and then broken one way at a time: invalid JSON, invalid UTF-8, NUL
bytes, duplicate keys, deep nesting, non-object tops, wrong types, huge
strings and numbers, unknown fields, missing required fields, and SQL
metacharacters in every field that has a pattern, enum or format. Every path
and query parameter of every operation gets hostile values too. Each answer
must be a 4xx problem+json (400s with field errors), never a 5xx, and the
database must be byte-for-byte unchanged afterwards (a snapshot of every
table, excluding the sign-in throttling counters).

A route added to the contract is covered without touching this file; only a
new kind of path parameter needs a value in PATH_VALUES.
"""
import copy
import json
import os
import time

import httpx
import pytest
import yaml

from conftest import ROOT, Server, keyed_env
from pki import CA
from test_auth import PASSWORD, Officers, bearer, tokens

with open(os.path.join(ROOT, "api", "openapi.yaml")) as f:
    SPEC = yaml.safe_load(f)

SQL_METAS = ["x' OR '1'='1", "'; DROP TABLE files; --", "\\'; SELECT pg_sleep(10); --", "%' AND 1=1 --", "$$;$$", "\"a\"\"b\""]


def resolve(node):
    while isinstance(node, dict) and "$ref" in node:
        cur = SPEC
        for part in node["$ref"].lstrip("#/").split("/"):
            cur = cur[part]
        node = cur
    return node


def operations():
    for path, item in SPEC["paths"].items():
        for method, op in item.items():
            if method in ("get", "post", "put", "patch", "delete"):
                yield path, method.upper(), op


def json_schema(op):
    body = op.get("requestBody")
    if not body or "application/json" not in body["content"]:
        return None
    schema = resolve(body["content"]["application/json"]["schema"])
    return resolve(schema["oneOf"][0]) if "oneOf" in schema else schema


def params(op):
    return [resolve(p) for p in op.get("parameters", []) if resolve(p).get("in") in ("path", "query")]


def constrained(schema):
    """A string field whose value is checked (not free text)."""
    s = resolve(schema)
    return any(k in s for k in ("pattern", "enum", "const", "format")) or s.get("type") != "string"


# -------------------------------------------------------------------- world

@pytest.fixture(scope="module")
def w(db, tmp_path_factory):
    env = keyed_env(db)
    dept = db.add_dept("mal")
    off = Officers(db, str(tmp_path_factory.mktemp("pw")))
    admin = off.add(dept, "officer,hr_admin,section_officer")[0]
    bob = off.add(dept, "officer")[0]
    victim = off.add(dept, "officer")[0]  # the UID refused sign-ins are aimed at
    ca_path = str(tmp_path_factory.mktemp("ca") / "ca.pem")
    with open(ca_path, "wb") as fh:
        fh.write(CA().pem())
    env["DAFTAR_SIGNING_CA"] = ca_path  # so signature routes validate rather than answer 503
    s = Server(env_extra=env)
    s.wait_ready()
    with httpx.Client(base_url=s.url, timeout=20) as c:
        auth = bearer(tokens(c, admin)["access_token"])
        files = "/v1/departments/%s/files" % dept
        r = c.post(files, headers=auth, json={"subject": "Target", "section": "MAL"})
        assert r.status_code == 201
        fid, etag = r.json()["id"], r.headers["etag"]
        assert c.post(files + "/%s/notes" % fid, headers=auth, json={"body": "draft"}).status_code == 201
        r = c.post("/v1/departments/%s/receipts" % dept, headers=auth, json={"sender": "S", "subject": "T", "mode": "post"})
        assert r.status_code == 201
        rid = r.json()["id"]
        # Webhooks are registered by service accounts only: their bodies are refused as a service account's.
        out = db.cli("service", "add", "--dept", dept, "--name", "Treasury", "--role", "officer",
                     "--scope", "webhooks,files:read").stdout
        client = {"grant_type": "client_credentials", "client_id": out.split("client_id: ")[1].split()[0],
                  "client_secret": out.split("client_secret: ")[1].split()[0]}

    def mint():
        """Fresh tokens for the admin and the service account: an access token lives 15 minutes
        (access_ttl's most), and on a loaded machine the module outlives them."""
        with httpx.Client(base_url=s.url, timeout=20) as c:
            r = c.post("/v1/auth/token", json=client)
            assert r.status_code == 200, r.text
            return bearer(tokens(c, admin)["access_token"]), bearer(r.json()["access_token"])
    auth, svc = mint()
    yield {"db": db, "server": s, "dept": dept, "admin": admin, "bob": bob, "victim": victim, "auth": auth,
           "svc": svc, "file": fid, "etag": etag, "receipt": rid, "mint": mint, "minted": time.monotonic()}
    s.stop()


def fresh(w):
    """Tokens minted within 10 minutes, as a test starts (before its snapshot: a sign-in writes)."""
    if time.monotonic() - w["minted"] > 600:
        w["auth"], w["svc"] = w["mint"]()
        w["minted"] = time.monotonic()
        w.pop("last", None)


def path_values(w):
    return {"dept": w["dept"], "file_id": w["file"], "n": "1", "uid": w["bob"],
            "doc_id": "00000000-0000-4000-8000-000000000000", "receipt_id": w["receipt"], "objection_id": "1",
            "application_id": "00000000-0000-4000-8000-000000000000",
            "posting_id": "00000000-0000-4000-8000-000000000000", "charge_id": "00000000-0000-4000-8000-000000000000",
            "cycle_id": "00000000-0000-4000-8000-000000000000", "form_id": "00000000-0000-4000-8000-000000000000",
            "draft_id": "00000000-0000-4000-8000-000000000000", "dispatch_id": "00000000-0000-4000-8000-000000000000",
            "dak_id": "00000000-0000-4000-8000-000000000000",
            "course_id": "00000000-0000-4000-8000-000000000000", "batch_id": "00000000-0000-4000-8000-000000000000",
            "assignment_id": "00000000-0000-4000-8000-000000000000",
            "enrolment_id": "00000000-0000-4000-8000-000000000000",
            "certificate_id": "00000000-0000-4000-8000-000000000000",
            "webhook_id": "00000000-0000-4000-8000-000000000000", "delivery_id": "1",
            "head_id": "00000000-0000-4000-8000-000000000000"}


def example(w, name, schema):
    """A valid value for a field, from its schema (and the world for UIDs)."""
    s = resolve(schema)
    if "$ref" in schema and schema["$ref"].endswith("/Uid"):
        return w["victim"] if name == "uid" else w["bob"]
    if "const" in s:
        return s["const"]
    if "enum" in s:
        return s["enum"][0]
    t = s.get("type")
    if t == "array":
        return [example(w, name, s["items"])]
    if t == "integer":
        return max(1, s.get("minimum", 1))
    if t == "boolean":
        return True
    if s.get("format") == "date":
        return "2030-01-31"
    pattern = s.get("pattern", "")
    known = {"^[0-9]{6}$": "123456", "^svc_[0-9a-f]{16}$": "svc_0123456789abcdef", "^[A-Z0-9][A-Z0-9-]{0,15}$": "MAL",
             "^\\+?[0-9]{6,15}$": "+919876543210", "^[A-Z]{2,10}$": "EL",
             "^[a-z][a-z0-9_]{1,30}$": "ab", "^[A-Z0-9][A-Z0-9-]{1,19}$": "CYB-101",
             "^[a-z][a-z0-9_-]{1,30}$": "igot"}
    if pattern:
        return known[pattern]
    if name in ("password", "current_password"):
        return "not-the-password"  # a body that is otherwise right still fails to sign in or change anything
    return "x" * max(1, s.get("minLength", 1))


def base_body(w, op):
    schema = json_schema(op)
    props = schema.get("properties", {})
    return {k: example(w, k, v) for k, v in props.items()}, schema


def body_cases(w, op):
    """(label, raw bytes, content-type, expected statuses)"""
    body, schema = base_body(w, op)
    first = next(iter(body))
    j = lambda o: json.dumps(o).encode()
    bad = {400}
    cases = [
        ("empty", b"", "application/json", bad),
        ("truncated", j(body)[:-1], "application/json", bad),
        ("not_json", b"subject=x&section=y", "application/json", bad),
        ("raw_nul", j(body)[:-1] + b',"\x00":1}', "application/json", bad),
        ("trailing_nul", j(body) + b"\x00", "application/json", bad),
        ("invalid_utf8", j(body).replace(b'"%s"' % first.encode(), b'"%s\xff\xfe"' % first.encode(), 1), "application/json", bad),
        ("invalid_utf8_value", j(dict(body, **{first: "PLACEHOLDER"})).replace(b"PLACEHOLDER", b"\xc3\x28\xed\xa0\x80"),
         "application/json", bad),
        ("escaped_nul", j(dict(body, **{first: "PLACEHOLDER"})).replace(b"PLACEHOLDER", b"a\\u0000b"), "application/json", bad),
        ("lone_surrogate", j(dict(body, **{first: "PLACEHOLDER"})).replace(b"PLACEHOLDER", b"\\ud800"), "application/json", bad),
        ("bom", b"\xef\xbb\xbf" + j(body), "application/json", bad),
        ("duplicate_key", j(body)[:-1] + b', "%s": %s}' % (first.encode(), j(body[first])), "application/json", bad),
        ("deep", b'{"a":' * 40 + b"1" + b"}" * 40, "application/json", bad),
        ("very_deep", b"[" * 200000 + b"]" * 200000, "application/json", {400, 413}),
        ("array_top", j([body]), "application/json", bad),
        ("string_top", b'"x"', "application/json", bad),
        ("number_top", b"1", "application/json", bad),
        ("null_top", b"null", "application/json", bad),
        ("unknown_field", j(dict(body, zz_unknown=1)), "application/json", bad),
        ("mass_assignment", j(dict(body, holder=w["admin"], status="closed", created_by=w["admin"], roles=["dept_admin"],
                                   department="x", clearance_override="secret")), "application/json", bad),
        ("text_plain", j(body), "text/plain", {415}),
        ("no_content_type", j(body), None, {415}),
        ("json_suffix_type", j(body), "application/jsonx", {415}),
        ("too_large", b'{"%s": "%s"}' % (first.encode(), b"a" * (1536 * 1024)), "application/json", {413}),
    ]
    for name, prop in schema.get("properties", {}).items():
        for label, value in [("int", 1), ("float", 1.5), ("huge_int", 10 ** 30), ("huge_float", "HUGEFLOAT"),
                             ("negative", -1), ("true", True), ("null", None), ("array", ["x"]), ("object", {"a": "b"}),
                             ("long", "a" * (resolve(prop).get("maxLength", 20000) + 1)), ("huge", "a" * 900000),
                             ("empty", "")]:
            if resolve(prop).get("type") == "array" and label == "array":
                continue
            if label == "empty" and resolve(prop).get("type") != "string":
                continue
            if (label == "int" and resolve(prop).get("type") in ("integer", "number")) or \
                    (label == "float" and resolve(prop).get("type") == "number") or \
                    (label == "true" and resolve(prop).get("type") == "boolean"):
                continue  # a number (or boolean) where one is asked for; out-of-range ones are the cases around it
            if label == "empty" and not constrained(prop) and resolve(prop).get("minLength", 0) == 0:
                continue  # an empty optional free text is a valid value
            raw = j(dict(body, **{name: value})).replace(b'"HUGEFLOAT"', b"1e99999")
            cases.append(("%s_%s" % (name, label), raw, "application/json", bad))
        if constrained(prop):
            for k, meta in enumerate(SQL_METAS):
                v = [meta] if resolve(prop).get("type") == "array" else meta
                cases.append(("%s_sql%d" % (name, k), j(dict(body, **{name: v})), "application/json", bad))
        if name in schema.get("required", []):
            cases.append(("%s_missing" % name, j({k: v for k, v in body.items() if k != name}), "application/json", bad))
    return cases


def url_for(w, path, overrides=None):
    vals = dict(path_values(w), **(overrides or {}))
    for k, v in vals.items():
        path = path.replace("{%s}" % k, v)
    return path


def request_headers(w, op, content_type):
    h = {}
    if op.get("security"):
        h.update(w["svc"] if "Webhook" in op.get("operationId", "") else w["auth"])
    if content_type:
        h["content-type"] = content_type
    for p in op.get("parameters", []):
        p = resolve(p)
        if p.get("in") == "header" and p["name"] == "If-Match":
            h["If-Match"] = w["etag"]
    return h


def snapshot(db):
    """One digest per table of the catalog, every department schema and every statewide scope; refused requests
    change none. (Audit checkpoints are written by the servers' timers thread on its own schedule.)"""
    sql = ("SELECT string_agg(format('SELECT %L || '':'' || coalesce(md5(string_agg(t::text, ''|'' ORDER BY t::text)), '''') "
           "FROM %I.%I t', n.nspname || '.' || c.relname, n.nspname, c.relname), ' UNION ALL ' ORDER BY 1) "
           "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' "
           "AND (n.nspname = 'daftar' OR n.nspname LIKE 'dept\\_%' OR n.nspname LIKE 'state\\_%') AND c.relname NOT IN ('address_failures', 'audit_checkpoints')")
    union = db.psql(sql).stdout.strip()
    return sorted(db.psql(union).stdout.split())


def unchanged_since_last(w):
    """The snapshot the previous test of the module ended on (it proved it unchanged), or a new one. A test
    leaves its closing snapshot for the next only when it passed: each test then takes one snapshot, not two."""
    fresh(w)
    return w.pop("last", None) or snapshot(w["db"])


def assert_unchanged(w, before):
    after = snapshot(w["db"])
    assert after == before, "a refused request changed the database"
    w["last"] = after


def assert_refused(r, expected, label):
    assert r.status_code < 500, "%s: %d %s" % (label, r.status_code, r.text[:300])
    assert r.status_code in expected, "%s: %d %s" % (label, r.status_code, r.text[:300])
    assert r.headers["content-type"] == "application/problem+json", label
    p = r.json()
    assert p["status"] == r.status_code and p["type"].startswith("urn:daftar:problem:"), label
    if r.status_code == 400:
        assert p.get("errors") and all(e.get("field") is not None and e.get("reason") for e in p["errors"]), (label, p)
    for leak in ("syntax error", "SQLSTATE", "pg_", "libpq", "jansson", "ERROR:"):
        assert leak not in r.text, (label, r.text)


BODY_OPS = [(p, m, op) for p, m, op in operations() if json_schema(op) is not None]
PARAM_OPS = [(p, m, op) for p, m, op in operations() if params(op)]


def test_the_contract_has_bodies_and_parameters_to_break():
    assert len(BODY_OPS) >= 9 and len(PARAM_OPS) >= 15


@pytest.mark.parametrize("path,method,op", BODY_OPS, ids=[op["operationId"] for _, _, op in BODY_OPS])
def test_malformed_bodies_are_refused_and_change_nothing(w, path, method, op):
    before = unchanged_since_last(w)
    url = url_for(w, path)
    cases = body_cases(w, op)
    failures = []
    with httpx.Client(base_url=w["server"].url, timeout=30) as c:
        for label, raw, ctype, expected in cases:
            r = c.request(method, url, content=raw, headers=request_headers(w, op, ctype))
            try:
                assert_refused(r, expected, "%s %s %s" % (method, path, label))
            except AssertionError as e:
                failures.append(str(e)[:300])
    assert failures == [], "\n".join(failures)
    assert w["server"].proc.poll() is None
    assert_unchanged(w, before)


HOSTILE_PARAMS = [("sql", "x%27%20OR%20%271%27%3D%271"), ("sql2", "%27%3B%20DROP%20TABLE%20files%3B%20--"),
                  ("nul", "a%00b"), ("bad_utf8", "%ff%fe"), ("overlong_utf8", "%c0%af"), ("long", "a" * 5000),
                  ("traversal", "..%2F..%2Fetc%2Fpasswd"), ("negative", "-1"), ("huge", "9" * 40), ("float", "1e999"),
                  ("empty", ""), ("crlf", "a%0d%0aSet-Cookie:%20x=1"), ("percent", "%25"), ("hindi", "%E0%A4%95")]


@pytest.mark.parametrize("path,method,op", PARAM_OPS, ids=[op["operationId"] for _, _, op in PARAM_OPS])
def test_hostile_path_and_query_parameters_are_refused(w, path, method, op):
    before = unchanged_since_last(w)
    body = None
    if json_schema(op) is not None:
        body = json.dumps(dict(base_body(w, op)[0], zz_unknown=1)).encode()  # never a write, even if a parameter slips
    failures = []
    with httpx.Client(base_url=w["server"].url, timeout=30) as c:
        for p in params(op):
            for label, value in HOSTILE_PARAMS:
                if p["in"] == "path":
                    if label == "empty":
                        continue  # a different path, not a bad parameter
                    url = url_for(w, path, {p["name"]: value})
                else:
                    url = url_for(w, path) + "?%s=%s" % (p["name"], value)
                r = c.request(method, url, content=body, headers=request_headers(w, op, "application/json" if body else None))
                label_full = "%s %s %s=%s" % (method, path, p["name"], label)
                free_text = p["in"] == "query" and not constrained(p["schema"]) and p["name"] not in ("cursor", "filename")
                free_text |= p["in"] == "query" and label == "empty" and not p.get("required")  # ?limit= is no limit
                try:
                    assert r.status_code < 500, "%s: %d %s" % (label_full, r.status_code, r.text[:300])
                    if r.status_code < 400:
                        # only a free-text search may take these as a value
                        assert free_text and method == "GET", "%s: %d %s" % (label_full, r.status_code, r.text[:300])
                    else:
                        assert_refused(r, set(range(400, 500)), label_full)
                except AssertionError as e:
                    failures.append(str(e)[:300])
    assert failures == [], "\n".join(failures)
    assert w["server"].proc.poll() is None
    assert_unchanged(w, before)


def test_sql_metacharacters_in_free_text_are_stored_verbatim(w):
    """Free-text fields take any text: it is data, stored and returned byte for byte, never SQL."""
    fresh(w)
    w.pop("last", None)  # it writes: the next test takes a snapshot of its own
    files = "/v1/departments/%s/files" % w["dept"]
    with httpx.Client(base_url=w["server"].url, timeout=20) as c:
        for meta in SQL_METAS + ["फ़ाइल ' OR 1=1; --", "\\x00\\u0000 %s %n {schema}"]:
            r = c.post(files, headers=w["auth"], json={"subject": meta, "category": meta[:100], "section": "MAL"})
            assert r.status_code == 201, (meta, r.text)
            f = r.json()
            assert f["subject"] == meta and f["category"] == meta[:100]
            got = c.get(files + "/" + f["id"], headers=w["auth"]).json()
            assert got["subject"] == meta
            r = c.post(files + "/%s/notes" % f["id"], headers=w["auth"], json={"body": meta})
            assert r.status_code == 201 and r.json()["body"] == meta
            found = c.get(files, headers=w["auth"], params={"box": "all", "q": meta, "limit": 100})
            assert found.status_code == 200, found.text
        assert int(w["db"].psql("SELECT count(*) FROM dept_%s.files" % w["dept"]).stdout) >= len(SQL_METAS)


def test_document_upload_refuses_hostile_bodies(w):
    url = "/v1/departments/%s/files/%s/documents" % (w["dept"], w["file"])
    fresh(w)
    before = snapshot(w["db"])
    cases = [("empty_pdf", b"", "application/pdf", "a.pdf"), ("html_as_pdf", b"<html>x</html>", "application/pdf", "a.pdf"),
             ("png_as_pdf", b"\x89PNG\r\n\x1a\n" + b"0" * 100, "application/pdf", "a.pdf"),
             ("json", b"{}", "application/json", "a.pdf"), ("svg", b"<svg/>", "image/svg+xml", "a.svg"),
             ("no_type", b"%PDF-1.7\n", None, "a.pdf")]
    with httpx.Client(base_url=w["server"].url, timeout=30) as c:
        for label, raw, ctype, name in cases:
            h = dict(w["auth"], **({"content-type": ctype} if ctype else {}))
            r = c.post(url, params={"filename": name}, content=raw, headers=h)
            assert_refused(r, {400, 415}, "upload " + label)
        for label, name in [("nul", "a\x00.pdf"), ("sql", "x'; DROP TABLE files; --.pdf"), ("long", "a" * 300 + ".pdf"),
                            ("crlf", "a\r\nContent-Type: text/html.pdf")]:
            r = c.post(url, params={"filename": name}, content=b"<html>", headers=dict(w["auth"], **{"content-type": "application/pdf"}))
            assert_refused(r, {400, 415}, "upload filename " + label)
    assert snapshot(w["db"]) == before
