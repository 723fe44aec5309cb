"""One audit chain per family in each department (issue 17, section 1; dept 0021_audit_chains).

Before: audit() locked the department's newest event until its writer committed, so every audited
write of a department, whatever its family, waited for the one before it (bench/chain: e-File's
writes of one department at 0.43-0.48 of the same writes over 8 departments). Now an event goes to
its family's chain (sql/dept/functions/audit_chain.sql: 'efile', 'dispatch'), each with its own seq,
head and anchors: e-Dispatch's writers do not wait for e-File's, e-File's still wait for each other.
`daftar audit checkpoint` and `verify` work chain by chain; the events written before the split are
the chain 'efile', and their anchors (lines "checkpoint CODE seq=N ...") still verify.
"""
import hashlib
import hmac
import os
import subprocess
import time

import pytest

from conftest import BIN, PGHOST, PGPORT, ROOT, keyed_env

UID = "10000000001"


@pytest.fixture(scope="module")
def env(db):
    return keyed_env(db)


def cli(db, env, *args):
    e = {k: v for k, v in os.environ.items() if not k.startswith("DAFTAR_")}
    e.update(env)
    return subprocess.run([BIN] + list(args), env=e, capture_output=True, text=True, timeout=120)


def as_dept(code):
    """The start of a session as the department's role, with the settings audit() reads."""
    return ("SET ROLE dept_%s; SELECT set_config('daftar.officer_uid', '%s', false), "
            "set_config('daftar.client_addr', '127.0.0.1', false), set_config('daftar.request_id', 'chains', false); "
            % (code, UID))


def events(db, code, action, n):
    """n audit events of `action`, written as the department's role writes them (through audit())."""
    db.psql(as_dept(code) + "SELECT dept_%s.audit('%s', NULL, json_build_object('i', i)) FROM generate_series(1, %d) i"
            % (code, action, n))


def chains(db, code):
    """{chain: (first seq, last seq, events)} of the department's audit events."""
    rows = db.psql("SELECT chain, min(seq), max(seq), count(*) FROM dept_%s.audit_events GROUP BY chain" % code).stdout
    return {r.split("|")[0]: tuple(map(int, r.split("|")[1:])) for r in rows.split()}


def session(db, sql):
    return subprocess.Popen(["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", PGHOST, "-p", PGPORT,
                             "-U", "postgres", "-d", db.name, "-c", sql],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def sleeping(db, marker):
    """Waits until the session whose SQL has marker sleeps (it holds what it locked before)."""
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if db.psql("SELECT count(*) FROM pg_stat_activity WHERE position('%s' IN query) > 0 AND wait_event = 'PgSleep' "
                   "AND datname = '%s'" % (marker, db.name)).stdout.strip() == "1":
            return
        time.sleep(0.1)
    raise AssertionError("the session of %s did not start sleeping" % marker)


def test_a_family_writes_while_another_family_holds_its_chain(db):
    code = db.add_dept("chw")
    events(db, code, "file.create", 2)
    events(db, code, "dispatch.issue", 2)
    # one e-File writer holds its chain's head for 4 s, as a request does until it commits
    holder = session(db, "BEGIN; " + as_dept(code) + "SELECT dept_%s.audit('note.add', NULL, '{}'); "
                     "SELECT pg_sleep(4); COMMIT" % code)
    try:
        sleeping(db, "pg_sleep(4)")
        # e-Dispatch's writer does not wait for it
        p = db.psql("SET lock_timeout = '1s'; " + as_dept(code) + "SELECT dept_%s.audit('dispatch.sent', NULL, '{}')"
                    % code, check=False)
        assert p.returncode == 0, "e-Dispatch's event waited for e-File's chain: " + p.stderr
        # another e-File writer does, as before (the chain's order is the commit order)
        p = db.psql("SET lock_timeout = '1s'; " + as_dept(code) + "SELECT dept_%s.audit('file.edit', NULL, '{}')"
                    % code, check=False)
        assert p.returncode != 0 and "lock timeout" in p.stderr, p.stderr
    finally:
        out, err = holder.communicate(timeout=30)
    assert holder.returncode == 0, err
    assert chains(db, code) == {"efile": (1, 3, 3), "dispatch": (1, 3, 3)}


def test_first_writers_of_a_new_chain_queue_on_its_row(db):
    code = db.add_dept("chf")
    # two writers of a chain with no event yet: the second waits for the first and chains after it
    first = session(db, "BEGIN; " + as_dept(code) + "SELECT dept_%s.audit('dak.acknowledge', NULL, '{}'); "
                    "SELECT pg_sleep(2); COMMIT" % code)
    sleeping(db, "pg_sleep(2)")
    events(db, code, "dak.acknowledge", 1)
    _, err = first.communicate(timeout=30)
    assert first.returncode == 0, err
    assert chains(db, code) == {"dispatch": (1, 2, 2)}
    rows = db.psql("SELECT seq, prev_hash, hash FROM dept_%s.audit_events ORDER BY seq" % code).stdout.split()
    assert rows[1].split("|")[1] == rows[0].split("|")[2]


def test_each_chain_is_anchored_and_verified_and_a_tampered_row_is_found_in_its_chain(db, env, tmp_path):
    code = db.add_dept("cht")
    events(db, code, "test.event", 3)      # no family claims it: the department's chain of old, 'efile'
    events(db, code, "draft.create", 4)    # e-Dispatch
    assert chains(db, code) == {"efile": (1, 3, 3), "dispatch": (1, 4, 4)}
    p = cli(db, env, "audit", "checkpoint", "--dept", code)
    assert p.returncode == 0, p.stdout + p.stderr
    lines = sorted(ln.split(" mac=")[0].rsplit(" hash=", 1)[0] for ln in p.stdout.splitlines())
    assert lines == ["checkpoint %s seq=3" % code, "checkpoint %s/dispatch seq=4" % code], p.stdout
    anchors = tmp_path / "anchors.log"
    anchors.write_text(p.stdout)
    p = cli(db, env, "audit", "verify", "--dept", code, "--anchors", str(anchors))
    assert p.returncode == 0, p.stdout + p.stderr
    assert "%s: 3 events, chain intact, 2 checkpoints match" % code in p.stdout, p.stdout
    assert "%s/dispatch: 4 events, chain intact, 2 checkpoints match" % code in p.stdout, p.stdout
    s = "dept_%s" % code
    # someone who may write any row changes an e-Dispatch event: found in that chain, the other intact
    db.psql("SET session_replication_role = replica; UPDATE %s.audit_events SET uid = 'someone' "
            "WHERE chain = 'dispatch' AND seq = 2" % s)
    p = cli(db, env, "audit", "verify", "--dept", code)
    assert p.returncode == 1 and "%s/dispatch: event 2 was changed" % code in p.stdout, p.stdout
    assert "%s: 3 events, chain intact, 1 checkpoints match" % code in p.stdout, p.stdout
    # deletes e-File's newest event and, in the catalog, its anchor: the line kept outside tells
    db.psql("SET session_replication_role = replica; DELETE FROM %s.audit_events WHERE chain = 'efile' AND seq = 3; "
            "DELETE FROM daftar.audit_checkpoints WHERE dept = '%s' AND chain = 'efile'" % (s, code))
    p = cli(db, env, "audit", "verify", "--dept", code, "--anchors", str(anchors))
    assert p.returncode == 1 and "%s: events 3 to 3 were deleted" % code in p.stdout, p.stdout
    # deletes a whole chain and its anchors in the catalog: the anchor line still names it
    db.psql("SET session_replication_role = replica; DELETE FROM %s.audit_events WHERE chain = 'dispatch'; "
            "DELETE FROM daftar.audit_checkpoints WHERE dept = '%s' AND chain = 'dispatch'" % (s, code))
    p = cli(db, env, "audit", "verify", "--dept", code, "--anchors", str(anchors))
    assert p.returncode == 1 and "%s/dispatch: events 1 to 4 were deleted" % code in p.stdout, p.stdout
    # an anchor of one chain is no anchor of another: its MAC names the chain
    mac = [ln for ln in anchors.read_text().splitlines() if "/dispatch" in ln][0]
    anchors.write_text(mac.replace("%s/dispatch" % code, code) + "\n")
    p = cli(db, env, "audit", "verify", "--dept", code, "--anchors", str(anchors))
    assert p.returncode == 1 and "not genuine" in p.stdout, p.stdout


def old_anchor(env, code, seq, hash_):
    """An anchor line as daftar made it before the split (0d4f442): HMAC-SHA256 over "CODE|seq|hash" under
    HMAC(master_key, "daftar audit checkpoint v1"), computed here, not by the code under test."""
    key = hmac.new(bytes.fromhex(env["DAFTAR_MASTER_KEY"]), b"daftar audit checkpoint v1", hashlib.sha256).digest()
    mac = hmac.new(key, ("%s|%d|%s" % (code, seq, hash_)).encode(), hashlib.sha256).hexdigest()
    return "checkpoint %s seq=%d hash=%s mac=%s\n" % (code, seq, hash_, mac)


def test_the_chain_of_old_becomes_efile_and_its_anchors_still_verify(db, env, tmp_path):
    # A department as it was before the split: one chain of every family's events (seq the primary
    # key, no chain column), anchored by a line of the old form; 0021 makes it the chain 'efile'.
    code = db.add_dept("cho")
    events(db, code, "file.create", 2)
    s = "dept_%s" % code
    db.psql("ALTER TABLE %s.audit_events DROP CONSTRAINT audit_events_pkey; "
            "ALTER TABLE %s.audit_events DROP COLUMN chain; ALTER TABLE %s.audit_events ADD PRIMARY KEY (seq); "
            "DROP TABLE %s.audit_chains" % (s, s, s, s))
    # the old audit(): the next event chained onto the department's newest, whatever its family
    db.psql("SET session_replication_role = replica; INSERT INTO %s.audit_events "
            "(seq, at, uid, action, object_id, client, request_id, detail, prev_hash, hash) "
            "SELECT 3, now(), 'x', 'dispatch.issue', NULL, '127.0.0.1', 'old', '{}', hash, "
            "encode(sha256(convert_to(hash || concat_ws('|', 3, to_char(now() AT TIME ZONE 'UTC', "
            "'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), 'x', 'dispatch.issue', '', '127.0.0.1', 'old', '{}'), 'UTF8')), 'hex') "
            "FROM %s.audit_events WHERE seq = 2" % (s, s))
    head = db.psql("SELECT hash FROM %s.audit_events WHERE seq = 3" % s).stdout.strip()
    anchors = tmp_path / "anchors.log"
    anchors.write_text(old_anchor(env, code, 3, head))
    with open(os.path.join(ROOT, "sql", "dept", "0021_audit_chains.sql")) as f:
        migration = f.read().replace("{schema}", s).replace("{role}", s)
    db.psql("BEGIN; %s COMMIT" % migration, user="daftar_owner")
    assert chains(db, code) == {"efile": (1, 3, 3)}
    p = cli(db, env, "audit", "verify", "--dept", code, "--anchors", str(anchors))
    assert p.returncode == 0 and "%s: 3 events, chain intact, 1 checkpoints match" % code in p.stdout, p.stdout
    # new events go to their family's chain; the chain of old goes on as e-File's
    events(db, code, "note.add", 1)
    events(db, code, "dispatch.issue", 1)
    assert chains(db, code) == {"efile": (1, 4, 4), "dispatch": (1, 1, 1)}
    p = cli(db, env, "audit", "checkpoint", "--dept", code)
    assert p.returncode == 0 and p.stdout.startswith("checkpoint %s/dispatch seq=1 " % code), p.stdout + p.stderr
    assert "checkpoint %s seq=4 " % code in p.stdout, p.stdout
    p = cli(db, env, "audit", "verify", "--dept", code, "--anchors", str(anchors))
    assert p.returncode == 0, p.stdout + p.stderr
    assert "%s: 4 events, chain intact, 2 checkpoints match" % code in p.stdout, p.stdout
    assert "%s/dispatch: 1 events, chain intact, 1 checkpoints match" % code in p.stdout, p.stdout
