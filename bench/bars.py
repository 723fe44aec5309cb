"""bench/bars.py: issue 25 §5's bar for a family's workload, shared by the Python benches (leave, dispatch,
training). A family's timed phase runs W officers at once, one request at a time each, from this client; its
bar compares the phase's p99 with read-file's p99 measured by the same client at the same concurrency in the
same run, just after it (a file each, read again and again): no errors, and p99 within 3x read-file's, or the
bench says why its work is heavier. Ratios of one run, as bench/README.md says every figure is."""
import asyncio
import statistics
import time


async def read_file_p99(c, dept, heads, requests_each=20, section="BENCH"):
    """heads: one Authorization header a worker (a member of dept each). Each worker makes a file and reads it
    requests_each times, all workers at once. Returns (p99 seconds, requests, errors)."""
    urls = []
    for h in heads:
        r = await c.post("/v1/departments/%s/files" % dept, headers=h, json={"subject": "Read-file bar", "section": section})
        r.raise_for_status()
        urls.append(r.headers["location"])
    lat, errors = [], [0]

    async def reader(url, h):
        for _ in range(requests_each):
            s = time.monotonic()
            r = await c.get(url, headers=h)
            lat.append(time.monotonic() - s)
            errors[0] += r.status_code != 200

    await asyncio.gather(*(reader(u, h) for u, h in zip(urls, heads)))
    return statistics.quantiles(lat, n=100)[98], len(lat), errors[0]


async def bar(c, name, p99, errors, dept, heads, heavier=""):
    """Prints the bar of phase name (its p99 in seconds and its unexpected answers) against read-file at
    len(heads) at once; heavier says why the work is heavier when the bar is not met. Returns whether met."""
    base, n, base_errors = await read_file_p99(c, dept, heads)
    ratio = p99 / base if base > 0 else float("inf")
    met = errors == 0 and base_errors == 0 and ratio <= 3
    print("bar %-9s p99 %7.2f ms = %5.2fx read-file's p99 %6.2f ms (%d reads, %d errors) at %d at once; "
          "bar: no errors, within 3x: %s%s" % (name, p99 * 1000, ratio, base * 1000, n, base_errors, len(heads),
                                                "met" if met else "NOT met", "" if met or not heavier else " (" + heavier + ")"))
    return met
