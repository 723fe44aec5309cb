#!/usr/bin/python3
"""bench/training.py: the driver of bench/training (see there). Prints the report; exits 1 when a check fails."""
import argparse
import asyncio
import datetime
import os
import statistics
import sys
import time

import httpx

from bars import bar

ap = argparse.ArgumentParser()
ap.add_argument("--url", required=True)
ap.add_argument("--dept", required=True)
ap.add_argument("--officers", required=True)
ap.add_argument("--password-file", required=True)
ap.add_argument("--modules", type=int, default=6)
o = ap.parse_args()
password = open(o.password_file).read().strip()
people = {}
for line in open(o.officers):
    role, uid = line.split()
    people.setdefault(role, []).append(uid)
QUESTIONS = [{"text": "Question %d" % i, "options": ["a", "b", "c", "d"], "answer": i % 4} for i in range(5)]
RIGHT = [q["answer"] for q in QUESTIONS]


async def main():
    limits = httpx.Limits(max_connections=32)
    async with httpx.AsyncClient(base_url=o.url, http1=False, http2=True, timeout=60, limits=limits) as c:
        gate = asyncio.Semaphore(int(os.environ.get("TRAINING_SIGNIN_AT_ONCE", "8")))  # sign-ins are slow by design

        async def token(uid):
            async with gate:
                r = await c.post("/v1/auth/token", json={"grant_type": "password", "uid": uid, "password": password})
            r.raise_for_status()
            return {"Authorization": "Bearer " + r.json()["access_token"]}

        t0 = time.monotonic()
        everyone = [u for us in people.values() for u in us]
        tokens = dict(zip(everyone, await asyncio.gather(*(token(u) for u in everyone))))
        print("sign-in of %d officers: %.1f s" % (len(everyone), time.monotonic() - t0))
        admin, nodal, officers = people["admin"][0], people["nodal"][0], people["officer"]

        # 1. the course, the assignment, the enrolment of everyone by one CSV
        modules = [{"title": "Module %d" % n, "min_seconds": 0} for n in range(1, o.modules + 1)]
        modules[-1]["questions"] = QUESTIONS
        r = await c.post("/v1/courses", headers=tokens[admin],
                         json={"code": "BENCH-1", "title": "Bench course", "title_hi": "बेंच पाठ्यक्रम", "provider": "bench",
                               "pass_mark": 80, "validity_months": 12, "status": "published", "modules": modules})
        assert r.status_code == 201, r.text
        course = r.json()["id"]
        deadline = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()
        r = await c.post("/v1/departments/%s/training/assignments" % o.dept, headers=tokens[nodal],
                         json={"course_id": course, "deadline": deadline, "target": 100,
                               "audience": "designation", "audience_value": "Assistant"})  # the officers, not the nodal officer
        assert r.status_code == 201, r.text
        assignment = r.json()["id"]
        csv = "uid\n" + "\n".join(officers) + "\n"
        r = await c.post("/v1/departments/%s/training/enrolments?course_id=%s" % (o.dept, course), content=csv.encode(),
                         headers=dict(tokens[nodal], **{"content-type": "text/csv"}))
        assert r.status_code == 200 and r.json()["enrolled"] == len(officers), r.text
        enrolment = {x["uid"]: x["enrolment"] for x in r.json()["rows"]}

        statuses, lat, odd = {}, [], []

        async def timed(method, url, **kw):
            s = time.monotonic()
            r = await c.request(method, url, **kw)
            lat.append(time.monotonic() - s)
            statuses[r.status_code] = statuses.get(r.status_code, 0) + 1
            if r.status_code >= 300 and len(odd) < 5:
                odd.append("%s %s -> %d %s" % (method, url, r.status_code, r.text[:300]))
            return r

        # 2. progress: every officer at once, one event at a time each
        async def officer(u):
            url = "/v1/me/training/enrolments/%s/events" % enrolment[u]
            for n in range(1, o.modules + 1):
                await timed("POST", url, headers=tokens[u], json={"module": n, "event": "started"})
                await timed("POST", url, headers=tokens[u], json={"module": n, "event": "finished"})
            return await timed("POST", url, headers=tokens[u], json={"module": o.modules, "event": "answers", "answers": RIGHT})

        t0 = time.monotonic()
        last = await asyncio.gather(*(officer(u) for u in officers))
        seconds = time.monotonic() - t0
        q = statistics.quantiles(lat, n=100)
        print("%-10s %6d requests  %8.1f req/s  p50 %7.2f ms  p99 %7.2f ms  statuses %s"
              % ("progress", len(lat), len(lat) / seconds, q[49] * 1000, q[98] * 1000, dict(sorted(statuses.items()))))
        events = len(officers) * (2 * o.modules + 1)
        ok = statuses == {200: events}
        await bar(c, "progress", q[98], len(lat) - statuses.get(200, 0), o.dept, [tokens[u] for u in officers],
                  "a progress event writes the event, re-counts the enrolment's modules and, at the last, scores "
                  "the answers and signs a certificate (ES256)")

        # 3. check
        complete = [r.json() for r in last if r.status_code == 200 and r.json()["status"] == "completed"]
        right = sum(1 for e in complete if e["completion"]["score"] == 100)
        r = await c.get("/v1/departments/%s/training/assignments/%s/compliance" % (o.dept, assignment), headers=tokens[nodal])
        cmp = r.json()
        print("check: %d of %d enrolments complete, %d with score 100; compliance %d of %d completed (%s%%, target met: %s)"
              % (len(complete), len(officers), right, cmp["completed"], cmp["assigned"], cmp["completion_pct"], cmp["met"]))
        ok = ok and len(complete) == right == len(officers) and cmp["completed"] == len(officers) and cmp["met"]
        verified = 0
        for e in complete[:10]:
            cert = (await c.get("/v1/me/training/certificates/%s" % e["completion"]["id"], headers=tokens[e["uid"]])).json()
            v = (await c.post("/v1/certificates/verify", json={"certificate": cert["certificate"]})).json()
            verified += v["valid"] is True
        print("certificates: %d of %d sampled verify" % (verified, min(10, len(complete))))
        ok = ok and verified == min(10, len(complete))
        for line in odd:
            print("unexpected:", line)
        print("result:", "ok" if ok else "FAILED")
        return 0 if ok else 1


sys.exit(asyncio.run(main()))
