"""Failed logins are throttled per client address as well as per account."""
import os
import subprocess

import httpx

from conftest import Server, assert_problem, keyed_env
from test_auth import PASSWORD, Officers, login


def test_address_is_throttled_after_many_failures_across_accounts(db, tmp_path):
    env = keyed_env(db, DAFTAR_LOGIN_ADDRESS_LIMIT="6")
    dept = db.add_dept("thr")
    off = Officers(db, str(tmp_path))
    good, _ = off.add(dept)
    victims = [off.add(dept)[0] for _ in range(3)]
    s = Server(env_extra=env)
    try:
        s.wait_ready()
        with httpx.Client(base_url=s.url, timeout=20) as c:
            assert login(c, good).status_code == 200
            for v in victims * 2:  # 6 failures, at most 2 per account: no account locks
                assert login(c, v, "guessed-password").status_code == 401
            r = login(c, good)  # right password, throttled address
            assert_problem(r, 429, "rate-limited")
            assert int(r.headers["retry-after"]) >= 1
            r = login(c, "99999999990", "x")  # unknown UID: the same answer
            assert r.status_code in (400, 429)
        # the per-account counter was not what stopped it
        assert db.psql("SELECT max(failed_count) FROM daftar.credentials").stdout.strip() == "2"
    finally:
        s.stop()
