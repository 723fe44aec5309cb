"""bench/many.py — GETs where every request carries its own bearer token, which h2load cannot send.

    many.py LIST CONNECTIONS IN_FLIGHT   (LIST: "uri<TAB>token" a line; /usr/bin/python3, httpx over HTTP/2)

Over CONNECTIONS HTTP/2 connections (h2c), IN_FLIGHT requests at a time in all, each line once in order;
prints "status seconds" for each request. The client is Python: its rate is the client's as much as the
server's, so bench/drive.py sets it beside the same client's run over a few officers (warm caches) and
reports daftar's and PostgreSQL's CPU per request, which the client does not change.
"""
import asyncio
import sys
import time

import httpx


async def main(path, connections, in_flight):
    with open(path) as f:
        work = [line.rstrip("\n").split("\t") for line in f if line.strip()]
    clients = [httpx.AsyncClient(http1=False, http2=True, timeout=60) for _ in range(connections)]
    queue = asyncio.Queue()
    for i, item in enumerate(work):
        queue.put_nowait((i, item))
    out = [None] * len(work)

    async def worker(k):
        c = clients[k % connections]
        while not queue.empty():
            i, (uri, token) = queue.get_nowait()
            t0 = time.monotonic()
            try:
                status = (await c.get(uri, headers={"authorization": "Bearer " + token})).status_code
            except httpx.HTTPError:
                status = 0
            out[i] = "%d %.6f" % (status, time.monotonic() - t0)

    await asyncio.gather(*[worker(k) for k in range(in_flight)])
    for c in clients:
        await c.aclose()
    sys.stdout.write("\n".join(out) + "\n")


asyncio.run(main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3])))
