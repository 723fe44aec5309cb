#!/usr/bin/python3
"""bench/events.py: the driver of bench/events (see there). Prints the report; exits 1 when a check fails.

Streams are raw HTTP/2 (the h2 library on asyncio sockets), 100 a connection, so one Python process
holds 10,000 of them; each stream's SSE messages are parsed as they come."""
import argparse
import asyncio
import json
import random
import shlex
import statistics
import subprocess
import sys
import time

import h2.config
import h2.connection
import h2.events
import httpx

ap = argparse.ArgumentParser()
ap.add_argument("--port", type=int, required=True)
ap.add_argument("--metrics-port", type=int, required=True)
ap.add_argument("--pid", type=int, required=True)
ap.add_argument("--officers", required=True)
ap.add_argument("--password-file", required=True)
ap.add_argument("--streams", type=int, default=10000)
ap.add_argument("--events", type=int, default=400)
ap.add_argument("--rate", type=float, default=40)
ap.add_argument("--psql", required=True)
o = ap.parse_args()
PER_CONN = 100


def rss_mib():
    for line in open("/proc/%d/status" % o.pid):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024.0
    return float("nan")


def metric(name):
    for ln in httpx.get("http://127.0.0.1:%d/metrics" % o.metrics_port, timeout=10).text.splitlines():
        if ln.startswith(name + " "):
            return float(ln.split()[1])
    return None


class Conn:
    """One HTTP/2 connection carrying up to PER_CONN event streams."""

    def __init__(self, streams):
        self.streams = streams  # [(officer uid, token)]
        self.by_sid = {}  # stream id -> [uid, buffer, opened, events received [(k, t)]]

    async def run(self, opened):
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", o.port)
        self.h2 = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True, header_encoding="utf-8"))
        self.h2.initiate_connection()
        self.h2.update_settings({h2.settings.SettingCodes.INITIAL_WINDOW_SIZE: 1 << 20})
        self.h2.increment_flow_control_window(1 << 24)
        for uid, token in self.streams:
            sid = self.h2.get_next_available_stream_id()
            self.h2.send_headers(sid, [(":method", "GET"), (":path", "/v1/me/events"), (":scheme", "http"),
                                       (":authority", "127.0.0.1"), ("authorization", "Bearer " + token)],
                                 end_stream=True)
            self.by_sid[sid] = [uid, b"", False, []]
        self.writer.write(self.h2.data_to_send())
        await self.writer.drain()
        while True:
            data = await self.reader.read(1 << 16)
            if not data:
                return
            now = time.time()
            for ev in self.h2.receive_data(data):
                if isinstance(ev, h2.events.ResponseReceived):
                    if dict(ev.headers).get(":status") == "200":
                        self.by_sid[ev.stream_id][2] = True
                        opened.append(now)
                    else:
                        print("stream refused:", dict(ev.headers).get(":status"), file=sys.stderr)
                elif isinstance(ev, h2.events.DataReceived):
                    self.h2.acknowledge_received_data(ev.flow_controlled_length, ev.stream_id)
                    st = self.by_sid[ev.stream_id]
                    st[1] += ev.data
                    while b"\n\n" in st[1]:
                        msg, st[1] = st[1].split(b"\n\n", 1)
                        for line in msg.split(b"\n"):
                            if line.startswith(b"data: "):
                                d = json.loads(line[6:])
                                st[3].append((d["data"]["k"], now))
                elif isinstance(ev, h2.events.StreamReset):
                    print("stream reset", ev.stream_id, file=sys.stderr)
            out = self.h2.data_to_send()
            if out:
                self.writer.write(out)


async def main():
    password = open(o.password_file).read().strip()
    officers = [ln.strip() for ln in open(o.officers) if ln.strip()]
    tokens = {}
    async with httpx.AsyncClient(base_url="http://127.0.0.1:%d" % o.port, http1=False, http2=True, timeout=60) as c:
        gate = asyncio.Semaphore(4)

        async def sign_in(uid):
            async with gate:
                r = await c.post("/v1/auth/token", json={"grant_type": "password", "uid": uid, "password": password})
            r.raise_for_status()
            tokens[uid] = r.json()["access_token"]

        t0 = time.time()
        await asyncio.gather(*(sign_in(u) for u in officers))
        print("signed in %d officers in %.1f s" % (len(officers), time.time() - t0))
    idle = rss_mib()
    plan = [(officers[i % len(officers)], tokens[officers[i % len(officers)]]) for i in range(o.streams)]
    conns = [Conn(plan[i:i + PER_CONN]) for i in range(0, len(plan), PER_CONN)]
    opened = []
    t0 = time.time()
    tasks = [asyncio.ensure_future(cn.run(opened)) for cn in conns]
    while len(opened) < o.streams and time.time() - t0 < 120:
        await asyncio.sleep(0.2)
    print("streams open: %d of %d in %.1f s over %d HTTP/2 connections (server: %s)"
          % (len(opened), o.streams, time.time() - t0, len(conns), metric("daftar_event_streams")))
    await asyncio.sleep(2)
    with_streams = rss_mib()

    # events: one a transaction, each to one officer at random, as a family's function publishes them
    psql = subprocess.Popen(shlex.split(o.psql), stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    psql.stdin.write("SET ROLE dept_ev; SELECT set_config('daftar.officer_uid', 'bench', false);\n")
    to = {}
    sent_at = time.time()
    for k in range(o.events):
        uid = random.choice(officers)
        to[k] = uid
        psql.stdin.write("SELECT dept_ev.event_publish('bench.ping', gen_random_uuid(), ARRAY['%s'], jsonb_build_object("
                         "'k', %d, 'sent', extract(epoch FROM clock_timestamp())));\n" % (uid, k))
        psql.stdin.flush()
        await asyncio.sleep(max(0.0, sent_at + (k + 1) / o.rate - time.time()))
    psql.stdin.close()
    await asyncio.get_event_loop().run_in_executor(None, psql.wait)
    await asyncio.sleep(3)
    after = rss_mib()
    published = subprocess.run(shlex.split(o.psql) + ["-c", "SELECT k, sent FROM (SELECT (data->>'k')::int AS k, "
                               "(data->>'sent')::float8 AS sent FROM dept_ev.events WHERE type = 'bench.ping') x"],
                               capture_output=True, text=True, check=True).stdout.split()
    sent = {int(a): float(b) for a, b in (ln.split("|") for ln in published)}

    # checks and figures
    lat, wrong, missing, dup = [], 0, 0, 0
    streams_of = {}
    for cn in conns:
        for sid, (uid, _, ok, got) in cn.by_sid.items():
            streams_of.setdefault(uid, []).append(got)
            ks = [k for k, _ in got]
            dup += len(ks) - len(set(ks))
            for k, t in got:
                if to.get(k) != uid:
                    wrong += 1
                else:
                    lat.append(t - sent[k])
    for k, uid in to.items():
        for got in streams_of.get(uid, []):
            if k not in {kk for kk, _ in got}:
                missing += 1
    lat.sort()
    q = lambda p: lat[min(len(lat) - 1, int(p * len(lat)))] * 1000 if lat else float("nan")  # noqa: E731
    print("events: %d published at %.0f a second, %d deliveries (each to all %d streams of its officer)"
          % (len(sent), o.rate, len(lat), o.streams // len(officers)))
    print("delivery, commit to arrival: p50 %.1f ms, p99 %.1f ms, max %.1f ms" % (q(0.5), q(0.99), q(1.0)))
    print("right streams: %d wrong, %d missing, %d repeated; cut: %s" % (wrong, missing, dup,
                                                                       metric("daftar_event_streams_cut_total")))
    print("server RSS: idle %.1f MiB, %d streams open %.1f MiB, after the events %.1f MiB: +%.1f MiB"
          % (idle, len(opened), with_streams, after, max(with_streams, after) - idle))
    for t in tasks:
        t.cancel()
    ok = len(opened) == o.streams and wrong == 0 and missing == 0 and dup == 0 and q(0.99) < 1000 and \
        max(with_streams, after) - idle < 150
    print("bars (10,000 streams, p99 < 1 s, RSS < idle + 150 MiB, right streams only):", "met" if ok else "NOT met")
    return 0 if ok else 1


import h2.settings  # noqa: E402

sys.exit(asyncio.get_event_loop().run_until_complete(main()))
