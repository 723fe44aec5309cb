"""bench/chain.py — the phases of bench/chain: add-note on N files of one department against N files in N
departments, with what daftar's PostgreSQL backends waited on meanwhile. Started by bench/chain.
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


def phase(name, uris, token):
    log = os.path.join(OUT, "log.%s" % name)
    cmd = ["h2load", "-c", E["CLIENTS"], "-m", E["STREAMS"], "-t", "1", "-i", os.path.join(OUT, uris),
           "--log-file", log, "-H", "authorization: Bearer " + token, "-d", os.path.join(OUT, "note.json"),
           "-H", "content-type: application/json", "-D", str(S), "--warm-up-time", "1000ms"]
    h2 = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    time.sleep(1)  # the warm-up, not logged
    c0, k0 = cpu_seconds(), json.loads(sql(COUNTERS))
    sampler = subprocess.Popen(PSQL + ["-c", "SET client_min_messages = warning", "-f", "-"], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, text=True)
    waits = sampler.communicate(SAMPLER % int(S / 0.02 * 0.9))[0].strip().splitlines()[-1]
    out = h2.communicate()[0]
    if h2.returncode != 0:
        raise SystemExit("h2load failed: " + out[-2000:])
    c1, k1 = cpu_seconds(), json.loads(sql(COUNTERS))
    lat, non2xx = [], 0
    with open(log) as f:
        for line in f:
            parts = line.split("\t")
            if len(parts) >= 3:
                lat.append(int(parts[2]))
                non2xx += not 200 <= int(parts[1]) < 300
    lat.sort()
    pct = lambda q: round(lat[min(len(lat) - 1, int(q * len(lat)))] / 1000, 1)  # noqa: E731
    waits = json.loads(waits)
    total = sum(waits.values())
    share = {w: round(100 * n / total) for w, n in sorted(waits.items(), key=lambda x: -x[1]) if 100 * n / total >= 1}
    syncs = max(1, k1["wal_syncs"] - k0["wal_syncs"])
    r = {"req_per_s": round(len(lat) / S, 1), "p50_ms": pct(0.5), "p99_ms": pct(0.99), "non_2xx": non2xx,
         "cpu_s_per_1000": round((c1 - c0) * 1000 / max(1, len(lat)), 3),
         "commits_per_wal_sync": round((k1["commits"] - k0["commits"]) / syncs, 2), "waits_pct": share}
    print("%-8s %7.1f notes/s  p50 %6.1f ms  p99 %6.1f ms  non-2xx %d  CPU %.3f s/1000  commits/WAL sync %5.2f  "
          "backends: %s" % (name, r["req_per_s"], r["p50_ms"], r["p99_ms"], non2xx, r["cpu_s_per_1000"],
                            r["commits_per_wal_sync"], ", ".join("%s %d%%" % kv for kv in share.items())), flush=True)
    return r


with open(E["PASSWORD_FILE"]) as f:
    token = post("/v1/auth/token", {"grant_type": "password", "uid": E["UID_"], "password": f.read().strip()})[
        "access_token"]
with open(os.path.join(OUT, "note.json"), "w") as f:
    json.dump({"body": "Para: examined under load. पैरा: भार में जाँचा गया।"}, f)
for name, depts in (("one", [DEPTS[0]] * len(DEPTS)), ("spread", DEPTS)):
    with open(os.path.join(OUT, name + ".uri"), "w") as f:
        for d in depts:
            fid = post("/v1/departments/%s/files" % d, {"subject": "Chain bench", "section": "BENCH"}, token)["id"]
            f.write("%s/v1/departments/%s/files/%s/notes\n" % (URL, d, fid))
print("bench/chain: add-note on %d files, %s connections x %s streams, %d s a phase; daftar %s threads x %s "
      "database connections; load average %s on %d cores" % (len(DEPTS), E["CLIENTS"], E["STREAMS"], S, E["THREADS"],
      E["DB_CONNS"], " ".join(open("/proc/loadavg").read().split()[:3]), os.cpu_count()), flush=True)
runs = {"one": [], "spread": []}
for i, name in enumerate(("one", "spread", "spread", "one", "one", "spread")):
    runs[name].append(phase("%s.%d" % (name, i + 1), name + ".uri", token))
mean = {k: sum(r["req_per_s"] for r in v) / len(v) for k, v in runs.items()}
pairs = [round(runs["one"][k]["req_per_s"] / runs["spread"][k]["req_per_s"], 3) for k in range(3)]
# every audit chain whole: seq without gaps, each event's prev_hash the hash before it
broken = sql("SELECT sum(n) FROM (%s) x" % " UNION ALL ".join(
    "SELECT count(*) AS n FROM (SELECT seq, prev_hash, lag(hash) OVER (ORDER BY seq) AS h, "
    "lag(seq) OVER (ORDER BY seq) AS p FROM dept_%s.audit_events) e WHERE p IS NOT NULL AND (seq <> p + 1 OR prev_hash <> h)"
    % d for d in DEPTS))
print("one department / %d departments: %.3f (means %.1f / %.1f notes/s; by pair %s); audit chains: %s links broken; "
      "load average %s" % (len(DEPTS), mean["one"] / mean["spread"], mean["one"], mean["spread"], pairs, broken,
                           " ".join(open("/proc/loadavg").read().split()[:3])), flush=True)
print(json.dumps({"files": len(DEPTS), "ratio": round(mean["one"] / mean["spread"], 3), "pairs": pairs,
                  "broken_links": int(broken), "phases": runs}))
