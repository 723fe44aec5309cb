"""Hashing admission (issue 25 §3): sign-ins beyond what the workers can hash soon are answered 429 with
Retry-After at once, per client address and overall, instead of queueing (lib/auth/routes.c, admission).

Before: a burst of sign-ins from one address all queued for the workers (503 only past worker_queue_max, 256).
"""
import asyncio

import httpx
import pytest

from conftest import Server, keyed_env
from test_auth import PASSWORD, Officers


@pytest.fixture(scope="module")
def w(db, tmp_path_factory):
    env = keyed_env(db)
    dept = db.add_dept("adm")
    off = Officers(db, str(tmp_path_factory.mktemp("pw")))
    # one worker at 2^16 (tens of ms a hash), two places an address, three in all
    s = Server(env_extra=dict(env, DAFTAR_WORKERS="1", DAFTAR_PASSWORD_SCRYPT_LOG_N="16",
                              DAFTAR_LOGIN_HASHING_PER_ADDRESS="2", DAFTAR_LOGIN_HASHING_MAX="3"))
    s.wait_ready()
    yield {"dept": dept, "off": off, "server": s}
    s.stop()


def burst(w, uids, source):
    """One sign-in for each uid, all at once on one HTTP/2 connection from address source."""
    async def run():
        transport = httpx.AsyncHTTPTransport(local_address=source, http1=False, http2=True)
        async with httpx.AsyncClient(base_url=w["server"].url, transport=transport, timeout=60) as c:
            return await asyncio.gather(*[c.post("/v1/auth/token", json={"grant_type": "password", "uid": u,
                                                                         "password": PASSWORD}) for u in uids])
    return asyncio.run(run())


def test_a_burst_from_one_address_gets_429_with_retry_after_past_its_places(w):
    uids = [w["off"].add(w["dept"])[0] for _ in range(8)]
    answers = burst(w, uids, "127.0.0.31")
    codes = [r.status_code for r in answers]
    assert codes.count(429) >= 1, codes
    assert codes.count(200) >= 1, codes
    assert set(codes) <= {200, 429}, codes
    for r in answers:
        if r.status_code == 429:
            assert int(r.headers["retry-after"]) >= 1
            assert r.headers["content-type"].startswith("application/problem+json")
    # the places are given back: one at a time, every one of them signs in
    with httpx.Client(base_url=w["server"].url, timeout=30, http1=False, http2=True,
                      transport=httpx.HTTPTransport(local_address="127.0.0.31")) as c:
        for u, code in zip(uids, codes):
            if code == 429:
                r = c.post("/v1/auth/token", json={"grant_type": "password", "uid": u, "password": PASSWORD})
                assert r.status_code == 200, r.text


def test_addresses_share_the_overall_bound(w):
    uids = [w["off"].add(w["dept"])[0] for _ in range(6)]

    async def run():
        async def one(source, mine):
            transport = httpx.AsyncHTTPTransport(local_address=source, http1=False, http2=True)
            async with httpx.AsyncClient(base_url=w["server"].url, transport=transport, timeout=60) as c:
                return await asyncio.gather(*[c.post("/v1/auth/token", json={"grant_type": "password", "uid": u,
                                                                             "password": PASSWORD}) for u in mine])
        return await asyncio.gather(*[one("127.0.0.%d" % (41 + k), uids[2 * k:2 * k + 2]) for k in range(3)])

    codes = [r.status_code for group in asyncio.run(run()) for r in group]
    # each address within its two places, but six at once past the three in all
    assert set(codes) <= {200, 429}, codes
    assert codes.count(429) >= 1, codes
