#!/usr/bin/python3
"""bench/leave.py: the driver of bench/leave (see there). Prints the report; exits 1 when a check fails."""
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
ap.add_argument("--days", type=int, default=15)
o = ap.parse_args()
password = open(o.password_file).read().strip()
people = {}
for line in open(o.officers):
    role, uid = line.split()
    people.setdefault(role, []).append(uid)
LEAVE = "/v1/departments/%s/leave/applications" % o.dept


def working_days(n):
    """n weekdays from four weeks ahead (no holidays are set in the bench department)."""
    d, out = datetime.date.today() + datetime.timedelta(days=28), []
    while len(out) < n:
        if d.weekday() < 6:  # Monday to Saturday; Sundays are never working days
            out.append(d.isoformat())
        d += datetime.timedelta(days=1)
    return out


async def main():
    limits = httpx.Limits(max_connections=32)
    async with httpx.AsyncClient(base_url=o.url, http1=False, http2=True, timeout=60, limits=limits) as c:
        gate = asyncio.Semaphore(int(os.environ.get("LEAVE_SIGNIN_AT_ONCE", "8")))  # sign-ins are slow by design (scrypt)

        async def token(uid):
            async with gate:
                r = await c.post("/v1/auth/token", json={"grant_type": "password", "uid": uid, "password": password})
            r.raise_for_status()
            return {"Authorization": "Bearer " + r.json()["access_token"]}

        t0 = time.monotonic()
        everyone = [u for us in people.values() for u in us]
        tokens = dict(zip(everyone, await asyncio.gather(*(token(u) for u in everyone))))
        print("sign-in of %d officers: %.1f s" % (len(everyone), time.monotonic() - t0))
        est = people["establishment"][0]
        particulars = {"service": "Secretariat Service", "post": "Assistant", "pay_level": 6,
                       "date_of_birth": "1990-05-10", "date_of_joining": "2015-07-01"}
        for u in people["applicant"]:
            r = await c.put("/v1/departments/%s/employees/%s" % (o.dept, u), json=particulars, headers=tokens[est])
            assert r.status_code == 201, r.text
        days = working_days(o.days)
        statuses, lat, odd = {}, [], []

        async def timed(method, url, **kw):
            s = time.monotonic()
            r = await c.request(method, url, **kw)
            lat.append(time.monotonic() - s)
            statuses[r.status_code] = statuses.get(r.status_code, 0) + 1
            if r.status_code >= 300 and len(odd) < 5:
                odd.append("%s %s -> %d %s" % (method, url, r.status_code, r.text[:300]))
            return r

        def report(name, n, seconds):
            q = statistics.quantiles(lat, n=100)
            print("%-10s %6d requests  %8.1f req/s  p50 %7.2f ms  p99 %7.2f ms  statuses %s"
                  % (name, n, n / seconds, q[49] * 1000, q[98] * 1000, dict(sorted(statuses.items()))))

        # 1. apply: each applicant, one request at a time, all applicants at once
        async def applicant(u):
            for d in days:
                await timed("POST", LEAVE, headers=tokens[u], json={"type": "EL", "from_date": d, "to_date": d})

        t0 = time.monotonic()
        await asyncio.gather(*(applicant(u) for u in people["applicant"]))
        report("apply", len(lat), time.monotonic() - t0)
        ok = statuses == {201: len(people["applicant"]) * o.days}
        applied = statuses.get(201, 0)
        await bar(c, "apply", statistics.quantiles(lat, n=100)[98], len(lat) - applied, o.dept,
                  [tokens[u] for u in people["applicant"]],
                  "an application reads the calendar and the balance, writes the ledger and its audit, under the officer's lock")
        statuses.clear()
        lat.clear()

        # 2. approve: the section officers share the waiting list (each takes the applications whose
        # id falls to it, so no two approve one)
        sos = people["section_officer"]

        async def approver(k, u):
            while True:
                r = await c.get(LEAVE + "?box=waiting&limit=100", headers=tokens[u])
                mine = [a for a in r.json()["items"] if int(a["id"][:8], 16) % len(sos) == k]
                if not mine:
                    return
                for a in mine:
                    await timed("POST", LEAVE + "/%s/actions" % a["id"],
                                headers=dict(tokens[u], **{"If-Match": '"%d"' % a["version"]}), json={"action": "approve"})

        t0 = time.monotonic()
        await asyncio.gather(*(approver(k, u) for k, u in enumerate(sos)))
        report("approve", len(lat), time.monotonic() - t0)
        ok = ok and statuses == {200: applied}
        await bar(c, "approve", statistics.quantiles(lat, n=100)[98], len(lat) - statuses.get(200, 0), o.dept,
                  [tokens[u] for u in sos], "an approval debits the ledger and writes the decision, its audit and events")

        # 3. check: balances from the ledger; one more application refused
        bad = 0
        for u in people["applicant"]:
            mine = (await c.get("/v1/me/leave", headers=tokens[u])).json()
            ledger = (await c.get("/v1/me/leave/ledger", headers=tokens[u])).json()
            el = [b["balance"] for b in mine["balances"] if b["type"] == "EL"][0]
            summed = sum(float(e["days"]) for e in ledger["entries"] if e["type"] == "EL")
            approved = sum(1 for a in mine["applications"] if a["status"] == "approved")
            more = await c.post(LEAVE, headers=tokens[u], json={"type": "EL", "from_date": working_days(o.days + 1)[-1],
                                                                "to_date": working_days(o.days + 1)[-1]})
            expect_more = 201 if 15 - o.days > 0 else 422
            if not (float(el) == summed == 15 - o.days and approved == o.days and more.status_code == expect_more):
                bad += 1
        print("check: %d applicants, %d with balance, ledger and approvals all agreeing (balance %d = 15 - %d, "
              "one more application %s)" % (len(people["applicant"]), len(people["applicant"]) - bad, 15 - o.days, o.days,
                                           "refused" if 15 - o.days <= 0 else "granted its debit"))
        ok = ok and bad == 0
        for line in odd:
            print("unexpected:", line)
        print("result:", "ok" if ok else "FAILED")
        return 0 if ok else 1


sys.exit(asyncio.run(main()))
