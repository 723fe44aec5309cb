-- 0014_security_events: what someone else did to an officer's credentials (a
-- second factor reset by an administrator), kept for the officer to see on
-- GET /v1/me (security review item 7: the officer is told).
CREATE TABLE daftar.security_events (
    id bigserial PRIMARY KEY,
    uid text NOT NULL REFERENCES daftar.officers (uid),
    at timestamptz NOT NULL DEFAULT now(),
    kind text NOT NULL CHECK (kind IN ('second_factor_reset')),
    by_uid text NOT NULL,
    dept text NOT NULL
);
CREATE INDEX security_events_uid ON daftar.security_events (uid, at DESC);
GRANT SELECT ON daftar.security_events TO daftar_api;
