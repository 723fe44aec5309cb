#!/usr/bin/python3
"""bench/dispatch.py: the driver of bench/dispatch (see there). Prints the report; exits 1 when a check fails."""
import argparse
import asyncio
import os
import statistics
import sys
import time

import httpx

from bars import bar

ap = argparse.ArgumentParser()
ap.add_argument("--url", required=True)
ap.add_argument("--dept", required=True)
ap.add_argument("--to", required=True)
ap.add_argument("--officers", required=True)
ap.add_argument("--password-file", required=True)
ap.add_argument("--drafts", type=int, default=400)
o = ap.parse_args()
password = open(o.password_file).read().strip()
people = {}
for line in open(o.officers):
    role, uid = line.split()
    people.setdefault(role, []).append(uid)
D = "/v1/departments/%s" % o.dept
PDF = b"%PDF-1.7\n% bench/dispatch letter\n%%EOF\n"


async def main():
    limits = httpx.Limits(max_connections=32)
    async with httpx.AsyncClient(base_url=o.url, http1=False, http2=True, timeout=60, limits=limits) as c:
        gate = asyncio.Semaphore(int(os.environ.get("DISPATCH_SIGNIN_AT_ONCE", "8")))  # scrypt: slow by design

        async def token(uid):
            async with gate:
                r = await c.post("/v1/auth/token", json={"grant_type": "password", "uid": uid, "password": password})
            r.raise_for_status()
            return {"Authorization": "Bearer " + r.json()["access_token"]}

        everyone = [u for us in people.values() for u in us]
        tokens = dict(zip(everyone, await asyncio.gather(*(token(u) for u in everyone))))
        approver = people["approver"][0]

        # 1. set-up: a file, a draft with its PDF, forwarded, approved; 16 authors at once
        async def author(k, u):
            made = 0
            for i in range(k, o.drafts, len(people["author"])):
                r = await c.post(D + "/files", headers=tokens[u], json={"subject": "Bench letter %d" % i, "section": "BENCH"})
                assert r.status_code == 201, r.text
                f, etag = r.json(), r.headers["etag"]
                r = await c.post(D + "/files/%s/drafts" % f["id"], headers=tokens[u], json={
                    "subject": "बेंच पत्र %d / Bench letter %d" % (i, i), "body": "Letter %d." % i,
                    "addressees": [{"name": "Addressee %d" % i, "address": "Somewhere", "mode": "post"},
                                   {"department": o.to, "designation": "Joint Secretary"}]})
                assert r.status_code == 201, r.text
                d = r.json()
                r = await c.put(D + "/files/%s/drafts/%s/document?filename=letter.pdf" % (f["id"], d["id"]), content=PDF,
                                headers=dict(tokens[u], **{"content-type": "application/pdf"}))
                assert r.status_code == 201, r.text
                r = await c.post(D + "/files/%s/movements" % f["id"], json={"action": "forward", "to": approver},
                                 headers=dict(tokens[u], **{"If-Match": etag}))
                assert r.status_code == 201, r.text
                r = await c.post(D + "/files/%s/drafts/%s/approval" % (f["id"], d["id"]), json={},
                                 headers=dict(tokens[approver], **{"If-Match": '"2"'}))
                assert r.status_code == 201, r.text
                made += 1
            return made

        t0 = time.monotonic()
        made = sum(await asyncio.gather(*(author(k, u) for k, u in enumerate(people["author"]))))
        print("set-up: %d approved drafts in %.1f s" % (made, time.monotonic() - t0))

        # 2. issue: the clerks share the queue; each draft is issued by two clerks at once
        clerks = people["clerk"]
        queue = (await c.get(D + "/dispatch-queue", headers=tokens[clerks[0]])).json()["items"]
        statuses, lat, odd, per_draft = {}, [], [], {}

        async def issue(clerk, d):
            s = time.monotonic()
            r = await c.post(D + "/dispatches", headers=tokens[clerk], json={"draft_id": d["id"]})
            lat.append(time.monotonic() - s)
            statuses[r.status_code] = statuses.get(r.status_code, 0) + 1
            per_draft.setdefault(d["id"], []).append(r.status_code)
            if r.status_code not in (201, 409) and len(odd) < 5:
                odd.append("issue -> %d %s" % (r.status_code, r.text[:300]))

        async def clerk_loop(k):
            for j in range(k, len(queue), len(clerks)):
                other = clerks[(k + 1) % len(clerks)]
                await asyncio.gather(issue(clerks[k], queue[j]), issue(other, queue[j]))

        t0 = time.monotonic()
        await asyncio.gather(*(clerk_loop(k) for k in range(len(clerks))))
        seconds = time.monotonic() - t0
        q = statistics.quantiles(lat, n=100)
        issued = sum(1 for v in per_draft.values() if sorted(v) == [201, 409])
        print("issue      %6d requests  %8.1f req/s  p50 %7.2f ms  p99 %7.2f ms  statuses %s  (%d drafts issued once "
              "of %d raced twice)" % (len(lat), len(lat) / seconds, q[49] * 1000, q[98] * 1000, dict(sorted(statuses.items())),
                                      issued, len(queue)))
        ok = len(queue) == made and issued == made and not odd
        # two issues a clerk at once: the read-file bar at as many
        await bar(c, "issue", q[98], len(odd), o.dept, [tokens[u] for u in clerks] * 2,
                  "an issue takes the department's dispatch counter lock, writes two dispatches, copies the letter "
                  "into the exchange and writes three audit events; the race's losers wait for the winner's commit")

        # 3. check: the register, its numbers, the other department's dak, the report
        numbers, cursor = [], ""
        while True:
            page = (await c.get(D + "/dispatches", headers=tokens[clerks[0]],
                                params={"limit": 100, **({"cursor": cursor} if cursor else {})})).json()
            numbers += [x["dispatch_number"] for x in page["items"]]
            if not page["next_cursor"]:
                break
            cursor = page["next_cursor"]
        serials = sorted(int(n.rsplit("/", 1)[1]) for n in numbers)
        gapless = serials == list(range(1, 2 * made + 1))
        dak, cursor = 0, ""
        while True:
            page = (await c.get("/v1/departments/%s/dak" % o.to, headers=tokens[people["registry"][0]],
                                params={"limit": 100, **({"cursor": cursor} if cursor else {})})).json()
            dak += len(page["items"])
            if not page["next_cursor"]:
                break
            cursor = page["next_cursor"]
        report = (await c.get(D + "/reports/dispatch", headers=tokens[clerks[0]])).json()
        print("check: %d dispatches, numbers %s; %d letters in the receiving department's dak; report total %d "
              "(by mode %s)" % (len(numbers), "1..%d without gaps or repeats" % len(serials) if gapless else "WITH GAPS",
                                dak, report["total"], report["by_mode"]))
        ok = ok and gapless and dak == made and report["total"] == 2 * made
        for line in odd:
            print("unexpected:", line)
        print("result:", "ok" if ok else "FAILED")
        return 0 if ok else 1


sys.exit(asyncio.run(main()))
