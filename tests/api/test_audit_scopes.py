"""The statewide scopes' audit trails are hash chains, anchored like the departments' (issue 17).

Before: state_hr.audit, state_apar.audit and state_training.audit were append-only for the scope's
role but neither chained nor anchored, so whoever may write every row (a superuser, the owner)
could change, delete or reorder APAR's evidence unseen. Now each scope's audit is one chain
(sql/scoped/functions/audit_append.sql: hash = sha256(prev_hash || canonical text), the head
locked as a department's audit() locks it), its head anchored by `daftar audit checkpoint` and the
servers' timers threads (catalog audit_checkpoints.scope), and `daftar audit verify` walks it under
the name state:NAME, also against anchor lines kept outside the database (--anchors FILE).
"""
import os
import subprocess
import time

import httpx
import pytest

from conftest import BIN, Server, keyed_env, office_today
from test_auth import Officers, bearer, tokens

YEAR = office_today().year
PARTICULARS = {"service": "Rajasthan Administrative Service", "cadre": "RAS", "post": "Deputy Secretary",
               "pay_level": 11, "date_of_birth": "1975-06-15", "date_of_joining": "2001-07-16"}


@pytest.fixture(scope="module")
def w(db, tmp_path_factory):
    a = db.add_dept("asc")
    off = Officers(db, str(tmp_path_factory.mktemp("pw")))
    p = {"cu": off.add(a, "officer,apar_custodian")[0], "est": off.add(a, "officer,establishment")[0],
         "o": off.add(a, "officer")[0], "r1": off.add(a, "officer")[0], "r2": off.add(a, "officer")[0],
         "r3": off.add(a, "officer")[0]}
    env = keyed_env(db)
    s = Server(env_extra=env)
    s.wait_ready()
    with httpx.Client(base_url=s.url, http1=False, http2=True, timeout=20) as c:
        t = {k: bearer(tokens(c, v)["access_token"]) for k, v in p.items() if k in ("cu", "est")}
    yield {"a": a, "p": p, "t": t, "server": s, "env": env}
    s.stop()


@pytest.fixture
def c(w):
    with httpx.Client(base_url=w["server"].url, http1=False, http2=True, timeout=20) as client:
        yield client


def cli(w, *args):
    e = {k: v for k, v in os.environ.items() if not k.startswith("DAFTAR_")}
    e.update(w["env"])
    return subprocess.run([BIN] + list(args), env=e, capture_output=True, text=True, timeout=120)


def rows(db, scope):
    return db.psql("SELECT count(*) FROM state_%s.audit" % scope).stdout.strip()


def test_scope_chains_verify_after_api_writes_and_tampering_is_reported(db, w, c, tmp_path):
    t, a, p = w["t"], w["a"], w["p"]
    # real actions: an establishment writes an officer's particulars (e-HRMS), a custodian opens the
    # APAR cycle and maps three forms' chains
    r = c.put("/v1/departments/%s/employees/%s" % (a, p["o"]), json=PARTICULARS, headers=t["est"])
    assert r.status_code == 201, r.text
    r = c.post("/v1/departments/%s/apar/cycles" % a, json={"year": YEAR}, headers=t["cu"])
    assert r.status_code == 201, r.text
    cycle = r.json()["id"]
    dash = c.get("/v1/departments/%s/apar/cycles/%s" % (a, cycle), headers=t["cu"]).json()
    for uid in (p["o"], p["r1"], p["r2"]):
        f = [x for x in dash["forms"] if x["uid"] == uid][0]
        chain = {"reporting": p["r3"], "reviewing": p["r1"] if uid != p["r1"] else p["r2"], "accepting": p["cu"],
                 "period_from": "%d-04-01" % YEAR, "period_to": "%d-03-31" % (YEAR + 1)}
        r = c.put("/v1/departments/%s/apar/forms/%s/chain" % (a, f["id"]), json=chain,
                  headers=dict(t["cu"], **{"If-Match": '"%d"' % f["version"]}))
        assert r.status_code == 200, r.text
    assert rows(db, "apar") == "4" and int(rows(db, "hr")) >= 1
    p_ = cli(w, "audit", "verify")
    assert p_.returncode == 0, p_.stdout + p_.stderr
    assert "state:apar: 4 events, chain intact, 0 checkpoints match" in p_.stdout, p_.stdout
    assert "state:hr: %s events, chain intact" % rows(db, "hr") in p_.stdout, p_.stdout
    assert "state:training: 0 events, chain intact" in p_.stdout, p_.stdout
    # anchored: the lines the CLI prints name the scope; kept outside, they verify
    p_ = cli(w, "audit", "checkpoint")
    assert p_.returncode == 0, p_.stdout + p_.stderr
    assert "checkpoint state:apar seq=4 " in p_.stdout and "checkpoint state:hr seq=" in p_.stdout, p_.stdout
    anchors = tmp_path / "anchors.log"
    anchors.write_text(p_.stdout)
    p_ = cli(w, "audit", "verify", "--anchors", str(anchors))
    assert p_.returncode == 0, p_.stdout + p_.stderr
    assert "state:apar: 4 events, chain intact, 2 checkpoints match" in p_.stdout, p_.stdout
    p_ = cli(w, "audit", "verify", "--dept", "state:apar")
    assert p_.returncode == 0 and p_.stdout.strip() == "state:apar: 4 events, chain intact, 1 checkpoints match", \
        p_.stdout + p_.stderr
    snapshot = "CREATE TABLE public.apar_audit AS SELECT * FROM state_apar.audit"
    restore = ("SET session_replication_role = replica; DELETE FROM state_apar.audit; "
               "INSERT INTO state_apar.audit OVERRIDING SYSTEM VALUE SELECT * FROM public.apar_audit")
    db.psql(snapshot)
    # one changed row: its content no longer matches its hash
    db.psql("UPDATE state_apar.audit SET actor = 'someone' WHERE id = (SELECT id FROM state_apar.audit ORDER BY id "
            "OFFSET 1 LIMIT 1)")
    p_ = cli(w, "audit", "verify", "--dept", "state:apar")
    assert p_.returncode == 1 and "state:apar: event 2 was changed" in p_.stdout, p_.stdout
    db.psql(restore)
    assert cli(w, "audit", "verify", "--dept", "state:apar").returncode == 0
    # one deleted row in the middle: the chain jumps
    db.psql("DELETE FROM state_apar.audit WHERE id = (SELECT id FROM state_apar.audit ORDER BY id OFFSET 1 LIMIT 1)")
    p_ = cli(w, "audit", "verify", "--dept", "state:apar")
    assert p_.returncode == 1 and "state:apar: event 2 is missing" in p_.stdout, p_.stdout
    db.psql(restore)
    # two rows swapped (each takes the other's place and content): neither follows its predecessor
    db.psql("WITH x AS (SELECT id FROM state_apar.audit ORDER BY id OFFSET 1 LIMIT 2), "
            "s AS (SELECT a.id AS id, b.action, b.subject, b.detail FROM state_apar.audit a, state_apar.audit b "
            "      WHERE a.id IN (SELECT id FROM x) AND b.id IN (SELECT id FROM x) AND a.id <> b.id) "
            "UPDATE state_apar.audit u SET action = s.action, subject = s.subject, detail = s.detail FROM s "
            "WHERE u.id = s.id")
    p_ = cli(w, "audit", "verify", "--dept", "state:apar")
    assert p_.returncode == 1 and "state:apar: event 2 was changed" in p_.stdout, p_.stdout
    assert "state:apar: event 3 was changed" in p_.stdout, p_.stdout
    db.psql(restore)
    # the newest events deleted after a checkpoint: the anchor names an event that is gone, also when
    # the catalog's anchors are deleted too (the lines kept outside tell)
    db.psql("DELETE FROM state_apar.audit WHERE id IN (SELECT id FROM state_apar.audit ORDER BY id DESC LIMIT 2)")
    p_ = cli(w, "audit", "verify", "--dept", "state:apar")
    assert p_.returncode == 1 and "state:apar: events 3 to 4 were deleted" in p_.stdout, p_.stdout
    db.psql("SET session_replication_role = replica; DELETE FROM daftar.audit_checkpoints WHERE dept IS NULL")
    p_ = cli(w, "audit", "verify", "--dept", "state:apar")
    assert p_.returncode == 0, p_.stdout  # nothing left to tell, in the database
    p_ = cli(w, "audit", "verify", "--dept", "state:apar", "--anchors", str(anchors))
    assert p_.returncode == 1 and "state:apar: events 3 to 4 were deleted" in p_.stdout, p_.stdout
    db.psql(restore)
    # a scope's anchor line is no other chain's: its MAC is over its name
    line = [ln for ln in anchors.read_text().splitlines() if "state:apar" in ln][0]
    anchors.write_text(line.replace("state:apar", "state:hr") + "\n")
    p_ = cli(w, "audit", "verify", "--dept", "state:hr", "--anchors", str(anchors))
    assert p_.returncode == 1 and "not genuine" in p_.stdout, p_.stdout


def test_the_scope_role_cannot_write_its_audit_around_the_chain(db, w):
    for scope in ("hr", "apar", "training"):
        r = db.psql("BEGIN; SET LOCAL ROLE state_%s; SELECT set_config('daftar.officer_uid', 'x', true); "
                    "INSERT INTO state_%s.audit (actor, dept, action, subject, request_id, client_addr) "
                    "VALUES ('x', 'd', 'a', 's', 'r', '')" % (scope, scope), user="daftar_api", check=False)
        assert r.returncode != 0 and "permission denied" in r.stderr, (scope, r.stderr)


def test_the_timers_thread_anchors_scope_heads(db, w, c):
    # a new e-HRMS event, then a server that anchors every second: its log carries the scope's anchor
    r = c.put("/v1/departments/%s/employees/%s" % (w["a"], w["p"]["r1"]), json=PARTICULARS, headers=w["t"]["est"])
    assert r.status_code == 201, r.text
    head = rows(db, "hr")
    s = Server(env_extra=dict(w["env"], DAFTAR_AUDIT_CHECKPOINT_S="1", DAFTAR_TIMERS_RESCAN_MS="200"))
    try:
        s.wait_ready()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and "checkpoint state:hr seq=%s " % head not in s.logs():
            time.sleep(0.2)
        assert "checkpoint state:hr seq=%s " % head in s.logs(), s.logs()[-2000:]
    finally:
        s.stop()
    assert db.psql("SELECT max(seq) FROM daftar.audit_checkpoints WHERE scope = 'hr'").stdout.strip() == head
