-- 0015_login_attempts: a sign-in attempt is reserved before the password is
-- hashed (daftar.login_begin), in the counters a wrong guess would raise, and
-- given back when the password was right (daftar.login_refund); so a burst of
-- guesses multiplexed on one HTTP/2 connection cannot outrun the lockout
-- (security review item 3). Failures lock an account for one client address
-- (5 in a row, then 1 minute doubling to 1 hour), so nobody locks out an
-- account from an address they do not share; the account-wide count locks
-- everywhere only as a slow backstop (login_account_limit, 100 by default)
-- (item 14).
CREATE TABLE daftar.login_failures (
    uid text NOT NULL REFERENCES daftar.officers (uid),
    addr text NOT NULL,
    failures integer NOT NULL DEFAULT 0,
    locked_until timestamptz,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (uid, addr)
);
CREATE INDEX login_failures_updated ON daftar.login_failures (updated_at);

-- Failures are counted when reserved now, not after the hash: login_record is gone.
DROP FUNCTION daftar.login_record(text, boolean);
