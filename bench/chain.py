"""bench/chain.py — the phases of bench/chain: add-note on N files of one department against N files in N
departments, then e-File's add-note and e-Dispatch's draft-create in one department against two, with
what daftar's PostgreSQL backends waited on meanwhile. Started by bench/chain.
"""
import json
import os
import subprocess
import time
import urllib.request

E = os.environ
OUT, URL, DPID, S = E["OUT"], E["URL"], int(E["DPID"]), int(E["SECONDS_PER"])
DEPTS = E["DEPT_CODES"].split()
PSQL = ["psql", "-X", "-q", "-tA", "-v", "ON_ERROR_STOP=1", "-h", E["SOCK"], "-p", E["PGPORT"], "-U", "postgres",
        "-d", "daftar"]


def post(path, body, token=None):
    req = urllib.request.Request(URL + path, json.dumps(body).encode(), {"content-type": "application/json"})
    if token:
        req.add_header("authorization", "Bearer " + token)
    with urllib.request.urlopen(req) as r:
        return json.load(r)


def sql(text):
    return subprocess.run(PSQL + ["-c", text], capture_output=True, text=True, check=True).stdout.strip()


def cpu_seconds():
    with open("/proc/%d/stat" % DPID) as f:
        parts = f.read().rsplit(")", 1)[1].split()
    return (int(parts[11]) + int(parts[12])) / os.sysconf("SC_CLK_TCK")


# pg_stat_activity of daftar's backends every 20 ms for the phase (one session; the snapshot cleared
# each time): "CPU" for an active backend that waits on nothing; a wait for a row lock another waiter
# queued for first (Lock:tuple) names the row's table
SAMPLER = """
CREATE TEMP TABLE s (w text);
DO $$
BEGIN
    FOR i IN 1..%d LOOP
        PERFORM pg_stat_clear_snapshot();
        INSERT INTO s SELECT CASE WHEN state <> 'active' THEN state
                                  ELSE coalesce(wait_event_type || ':' || wait_event || coalesce(' ' || (
                                      SELECT c.relname FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
                                      WHERE l.pid = a.pid AND NOT l.granted AND l.locktype = 'tuple' LIMIT 1), ''),
                                      'CPU') END
        FROM pg_stat_activity a WHERE usename = 'daftar_api' AND backend_type = 'client backend';
        PERFORM pg_sleep(0.02);
    END LOOP;
END $$;
SELECT json_object_agg(w, n) FROM (SELECT w, count(*) AS n FROM s GROUP BY w) x;
"""
COUNTERS = ("SELECT json_build_object('commits', (SELECT sum(xact_commit) FROM pg_stat_database), "
            "'wal_syncs', (SELECT wal_sync FROM pg_stat_wal), 'wal_writes', (SELECT wal_write FROM pg_stat_wal))")


def phase(name, loads, token):
    """loads: [(request list, body)]: one h2load each, the connections shared out among them."""
    logs, h2s = [], []
    for k, (uris, body) in enumerate(loads):
        log = os.path.join(OUT, "log.%s.%d" % (name, k))
        cmd = ["h2load", "-c", str(int(E["CLIENTS"]) // len(loads)), "-m", E["STREAMS"], "-t", "1",
               "-i", os.path.join(OUT, uris), "--log-file", log, "-H", "authorization: Bearer " + token,
               "-d", os.path.join(OUT, body), "-H", "content-type: application/json", "-D", str(S),
               "--warm-up-time", "1000ms"]
        logs.append(log)
        h2s.append(subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True))
    time.sleep(1)  # the warm-up, not logged
    c0, k0 = cpu_seconds(), json.loads(sql(COUNTERS))
    sampler = subprocess.Popen(PSQL + ["-c", "SET client_min_messages = warning", "-f", "-"], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, text=True)
    waits = sampler.communicate(SAMPLER % int(S / 0.02 * 0.9))[0].strip().splitlines()[-1]
    for h2 in h2s:
        out = h2.communicate()[0]
        if h2.returncode != 0:
            raise SystemExit("h2load failed: " + out[-2000:])
    c1, k1 = cpu_seconds(), json.loads(sql(COUNTERS))
    lat, non2xx, each = [], 0, []
    for log in logs:
        with open(log) as f:
            n = 0
            for line in f:
                parts = line.split("\t")
                if len(parts) >= 3:
                    lat.append(int(parts[2]))
                    non2xx += not 200 <= int(parts[1]) < 300
                    n += 1
        each.append(round(n / S, 1))
    lat.sort()
    pct = lambda q: round(lat[min(len(lat) - 1, int(q * len(lat)))] / 1000, 1)  # noqa: E731
    waits = json.loads(waits)
    total = sum(waits.values())
    share = {w: round(100 * n / total) for w, n in sorted(waits.items(), key=lambda x: -x[1]) if 100 * n / total >= 1}
    syncs = max(1, k1["wal_syncs"] - k0["wal_syncs"])
    r = {"req_per_s": round(len(lat) / S, 1), "p50_ms": pct(0.5), "p99_ms": pct(0.99), "non_2xx": non2xx,
         "cpu_s_per_1000": round((c1 - c0) * 1000 / max(1, len(lat)), 3),
         "commits_per_wal_sync": round((k1["commits"] - k0["commits"]) / syncs, 2), "waits_pct": share}
    if len(loads) > 1:
        r["each_req_per_s"] = each
    print("%-9s %7.1f writes/s%s  p50 %6.1f ms  p99 %6.1f ms  non-2xx %d  CPU %.3f s/1000  commits/WAL sync %5.2f  "
          "backends: %s" % (name, r["req_per_s"], " (%s)" % " + ".join(map(str, each)) if len(loads) > 1 else "",
                            r["p50_ms"], r["p99_ms"], non2xx, r["cpu_s_per_1000"], r["commits_per_wal_sync"],
                            ", ".join("%s %d%%" % kv for kv in share.items())), flush=True)
    return r


with open(E["PASSWORD_FILE"]) as f:
    token = post("/v1/auth/token", {"grant_type": "password", "uid": E["UID_"], "password": f.read().strip()})[
        "access_token"]
with open(os.path.join(OUT, "note.json"), "w") as f:
    json.dump({"body": "Para: examined under load. पैरा: भार में जाँचा गया।"}, f)
with open(os.path.join(OUT, "draft.json"), "w") as f:
    json.dump({"subject": "Chain bench letter", "body": "Drafted under load. भार में प्रारूपित।",
               "addressees": [{"name": "Collector", "address": "Collectorate, Jaipur 302001", "mode": "post"}]}, f)


def uri_list(name, depts, what):
    """A request list: what (notes or drafts) on one new file in each of depts (a department may repeat)."""
    with open(os.path.join(OUT, name + ".uri"), "w") as f:
        for d in depts:
            fid = post("/v1/departments/%s/files" % d, {"subject": "Chain bench", "section": "BENCH"}, token)["id"]
            f.write("%s/v1/departments/%s/files/%s/%s\n" % (URL, d, fid, what))
    return name + ".uri"


half = len(DEPTS) // 2
# e-File alone: add-note on N files of one department (one chain, before and after the split) or of N
one, spread = uri_list("one", [DEPTS[0]] * len(DEPTS), "notes"), uri_list("spread", DEPTS, "notes")
# two families at once, half the connections each: e-File's add-note on N/2 files and e-Dispatch's
# draft-create on N/2 others, in one department (one chain before the split, one a family after) or
# the notes in the first department and the drafts in the second (two chains either way)
notes1, drafts1 = uri_list("notes1", [DEPTS[0]] * half, "notes"), uri_list("drafts1", [DEPTS[0]] * half, "drafts")
drafts2 = uri_list("drafts2", [DEPTS[1]] * half, "drafts")
print("bench/chain: add-note on %d files, %s connections x %s streams, %d s a phase; daftar %s threads x %s "
      "database connections; load average %s on %d cores" % (len(DEPTS), E["CLIENTS"], E["STREAMS"], S, E["THREADS"],
      E["DB_CONNS"], " ".join(open("/proc/loadavg").read().split()[:3]), os.cpu_count()), flush=True)
LOADS = {"one": [(one, "note.json")], "spread": [(spread, "note.json")],
         "fam1dept": [(notes1, "note.json"), (drafts1, "draft.json")],
         "fam2dept": [(notes1, "note.json"), (drafts2, "draft.json")]}
runs = {k: [] for k in LOADS}
for a, b in (("one", "spread"), ("fam1dept", "fam2dept")):
    for i, name in enumerate((a, b, b, a, a, b)):
        runs[name].append(phase("%s.%d" % (name, i + 1), LOADS[name], token))
mean = {k: sum(r["req_per_s"] for r in v) / len(v) for k, v in runs.items()}


def by_pair(a, b):
    return [round(runs[a][k]["req_per_s"] / runs[b][k]["req_per_s"], 3) for k in range(3)]


# every audit chain whole: seq without gaps, each event's prev_hash the hash before it (per chain where
# the department has several: sql/dept/functions/audit_chain.sql)
chained = sql("SELECT count(*) FROM information_schema.columns WHERE table_schema = 'dept_%s' "
              "AND table_name = 'audit_events' AND column_name = 'chain'" % DEPTS[0]) == "1"
part = "PARTITION BY chain " if chained else ""
broken = sql("SELECT sum(n) FROM (%s) x" % " UNION ALL ".join(
    "SELECT count(*) AS n FROM (SELECT seq, prev_hash, lag(hash) OVER (%sORDER BY seq) AS h, "
    "lag(seq) OVER (%sORDER BY seq) AS p FROM dept_%s.audit_events) e WHERE p IS NOT NULL AND (seq <> p + 1 OR prev_hash <> h)"
    % (part, part, d) for d in DEPTS))
chains = sql("SELECT %s FROM dept_%s.audit_events GROUP BY 1 ORDER BY 1" % ("chain" if chained else "'one'", DEPTS[0]))
ratio, fam = mean["one"] / mean["spread"], mean["fam1dept"] / mean["fam2dept"]
print("e-File alone, one department / %d departments: %.3f (means %.1f / %.1f notes/s; by pair %s)" % (
      len(DEPTS), ratio, mean["one"], mean["spread"], by_pair("one", "spread")), flush=True)
print("e-File and e-Dispatch, in one department / in two: %.3f (means %.1f / %.1f writes/s; by pair %s)" % (
      fam, mean["fam1dept"], mean["fam2dept"], by_pair("fam1dept", "fam2dept")), flush=True)
print("audit chains of %s: %s; %s links broken; load average %s" % (
      DEPTS[0], ", ".join(chains.split()), broken, " ".join(open("/proc/loadavg").read().split()[:3])), flush=True)
print(json.dumps({"files": len(DEPTS), "ratio": round(ratio, 3), "pairs": by_pair("one", "spread"),
                  "families_ratio": round(fam, 3), "families_pairs": by_pair("fam1dept", "fam2dept"),
                  "broken_links": int(broken), "phases": runs}))
