-- 0027_idempotency: one store for the Idempotency-Key of every creating POST,
-- whatever scope the create runs in (a department, a statewide scope, the
-- catalog), so that every family retries safely through the same two
-- functions (functions/idempotency_replay.sql, idempotency_keep.sql) and one
-- setting expires them all (idempotency_ttl_s: the timers thread calls
-- idempotency_expire). A row is the officer's key in the scope the request ran
-- as (its role: dept_fin, state_hr, daftar_api), the hash of the request it
-- came with, and what the create answered: the thing and its member name.
-- No role reads or writes the table itself; the functions take the officer and
-- the role from the request's settings. (Each department's own idempotency
-- table, 0002, is no longer written: {schema}.idempotency_keep keeps here.)
CREATE TABLE daftar.idempotency (
    uid text NOT NULL,
    scope text NOT NULL,
    key text NOT NULL,
    request_hash text NOT NULL,
    name text NOT NULL,
    thing json NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (uid, scope, key)
);
CREATE INDEX idempotency_created ON daftar.idempotency (created_at);
