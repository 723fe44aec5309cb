"""The audit trail and the file track are evidence (security review item 5).

Before: each department role could UPDATE and DELETE every table: audit events, movements,
signatures and documents could be rewritten, a note could be inserted already final with a forged
hash, and deleting the newest audit events left a chain that still verified. Now those tables are
append-only by privileges and guard triggers, notes become final only inside the schema owner's
functions, and `daftar audit checkpoint` / `verify` anchor the chain outside the database.

Then: a file's decision (approve, reject) could be rewritten by the department's role with a plain
UPDATE of the file, or forged with an INSERT into the track. Now decisions change only inside
file_decide (the owner's function); a guard trigger refuses any other way.

And: the chain was anchored only when someone ran `daftar audit checkpoint`, its anchors kept in the
catalog, which a superuser may rewrite together with the events. Now each server's timers thread
anchors every chain head every `audit_checkpoint_s` and logs the anchor, and `daftar audit verify
--anchors FILE` checks the chains against anchors kept outside the database (logs, cron output).
"""
import os
import re
import subprocess
import time

from conftest import BIN, Server
from test_files import c, create, files_url, h, move, notes_url, w  # noqa: F401 (fixtures)


def as_role(w, sql, role=None, check=False):
    """SQL as the department's own role (what a statement of the API runs as), or as `role`."""
    dept_role = "dept_%s" % w["a"]
    prefix = "SET ROLE %s; SELECT set_config('daftar.officer_uid', '%s', false); " % (role or dept_role, w["alice"])
    return w["db"].psql(prefix + sql, check=check)


def cli(w, *args):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DAFTAR_")}
    env.update(w["env"])
    return subprocess.run([BIN] + list(args), env=env, capture_output=True, text=True, timeout=120)


def a_file_with_history(c, w):
    f, etag = create(c, w, "alice", subject="Evidence")
    r = c.post(notes_url(w, f), headers=h(c, w, "alice"), json={"body": "For orders."})
    assert r.status_code == 201, r.text
    r = move(c, w, "alice", f, etag, action="forward", to=w["bob"])
    assert r.status_code == 201, r.text
    return f


def test_the_department_role_cannot_rewrite_evidence(c, w):
    f = a_file_with_history(c, w)
    s = "dept_%s" % w["a"]
    for sql in ("UPDATE {s}.audit_events SET uid = 'someone'", "DELETE FROM {s}.audit_events WHERE seq > 0",
                "TRUNCATE {s}.audit_events", "UPDATE {s}.movements SET to_uid = 'someone'",
                "DELETE FROM {s}.movements", "DELETE FROM {s}.documents", "UPDATE {s}.documents SET filename = 'x'",
                "DELETE FROM {s}.note_signatures", "UPDATE {s}.notes SET status = 'final', hash = 'forged'"):
        p = as_role(w, sql.format(s=s))
        assert p.returncode != 0 and "permission denied" in p.stderr, (sql, p.stderr)
    track = w["db"].psql("SELECT count(*) FROM %s.movements WHERE file_id = '%s'" % (s, f["id"])).stdout.strip()
    assert track == "2"


def test_a_note_cannot_be_inserted_final_with_a_forged_hash(c, w):
    f = a_file_with_history(c, w)
    s = "dept_%s" % w["a"]
    forged = ("INSERT INTO {s}.notes (file_id, n, author, body, status, finalized_at, prev_hash, hash) "
              "VALUES ('{f}', 9, '{u}', 'I approve (forged)', 'final', now(), repeat('0', 64), repeat('a', 64))"
              .format(s=s, f=f["id"], u=w["alice"]))
    p = as_role(w, forged)
    assert p.returncode != 0 and "permission denied" in p.stderr, p.stderr
    p = as_role(w, forged, role="daftar_owner")  # not even the owner: the guard trigger
    assert p.returncode != 0 and "written as a draft" in p.stderr, p.stderr


def test_guard_triggers_hold_even_for_the_schema_owner(c, w):
    a_file_with_history(c, w)
    s = "dept_%s" % w["a"]
    for sql in ("UPDATE {s}.audit_events SET uid = 'someone'", "DELETE FROM {s}.movements",
                "TRUNCATE {s}.audit_events"):
        p = as_role(w, sql.format(s=s), role="daftar_owner")
        assert p.returncode != 0 and "append-only" in p.stderr, (sql, p.stderr)


def test_audit_verify_catches_deleted_newest_events_and_rewrites(c, w):
    a_file_with_history(c, w)
    p = cli(w, "audit", "checkpoint", "--dept", w["a"])
    assert p.returncode == 0 and p.stdout.startswith("checkpoint %s seq=" % w["a"]), p.stdout + p.stderr
    p = cli(w, "audit", "verify", "--dept", w["a"])
    assert p.returncode == 0 and "chain intact" in p.stdout, p.stdout + p.stderr
    s = "dept_%s" % w["a"]
    # someone who may write any row (a superuser, triggers off) deletes the two newest events
    w["db"].psql("SET session_replication_role = replica; DELETE FROM %s.audit_events WHERE seq > "
                 "(SELECT max(seq) - 2 FROM %s.audit_events)" % (s, s))
    p = cli(w, "audit", "verify", "--dept", w["a"])
    assert p.returncode == 1 and "were deleted" in p.stdout, p.stdout + p.stderr
    # and rewrites an old one
    w["db"].psql("SET session_replication_role = replica; UPDATE %s.audit_events SET uid = 'someone' WHERE seq = 1" % s)
    p = cli(w, "audit", "verify", "--dept", w["a"])
    assert p.returncode == 1 and "event 1 was changed" in p.stdout, p.stdout
    # a forged checkpoint does not help: its MAC needs master_key
    w["db"].psql("INSERT INTO daftar.audit_checkpoints (dept, seq, hash, mac) VALUES ('%s', 1, 'x', repeat('0', 64))"
                 % w["a"])
    p = cli(w, "audit", "verify", "--dept", w["a"])
    assert "not genuine" in p.stdout


def test_a_decision_is_changed_only_by_file_decide(c, w):
    f = a_file_with_history(c, w)
    s = "dept_%s" % w["a"]
    for sql in ("UPDATE {s}.files SET decision = 'approved', decided_by = '{u}', decided_at = now() WHERE id = '{f}'",
                "INSERT INTO {s}.movements (file_id, seq, action, from_uid, to_uid) VALUES ('{f}', 3, 'approve', '{u}', '{u}')"):
        p = as_role(w, sql.format(s=s, f=f["id"], u=w["bob"]))
        assert p.returncode != 0 and "file_decide" in p.stderr, (sql, p.stderr)
    row = w["db"].psql("SELECT coalesce(decision, 'none'), (SELECT count(*) FROM %s.movements WHERE file_id = '%s')"
                       " FROM %s.files WHERE id = '%s'" % (s, f["id"], s, f["id"])).stdout.strip()
    assert row == "none|2"



def events(w, dept, n):
    """n audit events in dept's chain, written as its role would (audit() is what every change calls)."""
    w["db"].psql("SET ROLE dept_%s; SELECT set_config('daftar.officer_uid', '%s', false), "
                 "set_config('daftar.client_addr', '127.0.0.1', false), set_config('daftar.request_id', 'evidence', false); "
                 "SELECT dept_%s.audit('test.event', NULL, json_build_object('i', i)) FROM generate_series(1, %d) i"
                 % (dept, w["alice"], dept, n))


def test_each_server_anchors_the_chains_and_verify_reads_anchors_kept_outside(c, w, tmp_path):
    d = w["db"].add_dept("anc")
    events(w, d, 3)
    s = Server(env_extra=dict(w["env"], DAFTAR_AUDIT_CHECKPOINT_S="1", DAFTAR_TIMERS_RESCAN_MS="200"))
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            got = w["db"].psql("SELECT max(seq) FROM daftar.audit_checkpoints WHERE dept = '%s'" % d).stdout.strip()
            if got == "3":
                break
            time.sleep(0.2)
        assert got == "3", "no checkpoint of the chain head within 20 s (got %r)" % got
        events(w, d, 2)  # the next interval anchors the new head
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and got != "5":
            time.sleep(0.2)
            got = w["db"].psql("SELECT max(seq) FROM daftar.audit_checkpoints WHERE dept = '%s'" % d).stdout.strip()
        assert got == "5"
    finally:
        s.stop()
    logged = [ln for ln in s.logs().splitlines() if re.search(r"checkpoint %s seq=\d+ hash=[0-9a-f]{64} mac=[0-9a-f]{64}" % d, ln)]
    assert len(logged) == 2, s.logs()[-3000:]
    anchors = tmp_path / "anchors.log"
    anchors.write_text(s.logs())
    p = cli(w, "audit", "verify", "--dept", d, "--anchors", str(anchors))
    assert p.returncode == 0 and "5 events, chain intact, 4 checkpoints match" in p.stdout, p.stdout + p.stderr
    # a superuser removes the two newest events and, in the catalog, the anchors that name them
    w["db"].psql("SET session_replication_role = replica; DELETE FROM dept_%s.audit_events WHERE seq > 3; "
                 "DELETE FROM daftar.audit_checkpoints WHERE dept = '%s' AND seq > 3" % (d, d))
    p = cli(w, "audit", "verify", "--dept", d)
    assert p.returncode == 0, p.stdout  # what the database alone still says
    p = cli(w, "audit", "verify", "--dept", d, "--anchors", str(anchors))
    assert p.returncode == 1 and "events 4 to 5 were deleted" in p.stdout, p.stdout + p.stderr
    # an anchor line made up without master_key is reported, not believed
    anchors.write_text("checkpoint %s seq=3 hash=%s mac=%s\n" % (d, "a" * 64, "0" * 64))
    p = cli(w, "audit", "verify", "--dept", d, "--anchors", str(anchors))
    assert p.returncode == 1 and "not genuine" in p.stdout, p.stdout + p.stderr
