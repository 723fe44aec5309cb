-- bench/reset.sql — takes a reused benchmark cluster back to what seeding left: removes what earlier
-- runs wrote, so that every run starts from the same data without copying the cluster (66,000 files).
-- psql variables: dept (the department of the add-note file), seeded (when seeding ended).
-- A run writes in two places only:
--   logins: rows of daftar.refresh_tokens, the officer's last login in daftar.credentials, the
--   attempt counters daftar.login_failures and daftar.address_failures;
--   add-note: the file the run opens in :dept (bench/drive.py), its notes, movements and access rows,
--   the department's audit events (and the row of a chain they began), and its file counter;
--   the cleared officers' sign-ins: the last step of their second factor (seeding left 1);
--   confidential reads: an audit event each (file.read), in every department with full data;
--   the server: audit checkpoints (daftar.audit_checkpoints) of the chains the run wrote;
--   add-note's forward: a live event (events, events_head) and a timer in :dept.
-- (A state run of main's code before these lines, reset and fingerprinted: audit_checkpoints, events,
-- events_head, timers and file_opens differed, and 20,648 rows were written in the other departments'
-- file_opens by first reads, which seed.sql now writes; every run seeded anew.)
-- Seeding wrote no refresh token, audit event or idempotency row and logged no one in. The guards that
-- keep notes and audit events append-only refuse these deletes, so this runs as superuser with
-- triggers off (session_replication_role). bench/fingerprint.sql then checks that nothing else changed.
\set ON_ERROR_STOP on
SET client_min_messages = warning;
BEGIN;
SET LOCAL session_replication_role = replica;
DELETE FROM daftar.refresh_tokens WHERE created_at > :'seeded';
-- every attempt is counted before the hash and given back after it (catalog 0015): the counters'
-- rows stay, and an attempt cut short (a run stopped during the logins) stays counted
UPDATE daftar.credentials SET last_login_at = NULL, failed_count = 0, locked_until = NULL
WHERE last_login_at > :'seeded' OR failed_count <> 0 OR locked_until IS NOT NULL;
UPDATE daftar.credentials SET totp_last_step = 1 WHERE totp_enabled AND totp_last_step <> 1;
DELETE FROM daftar.audit_checkpoints WHERE at > :'seeded';
DELETE FROM daftar.login_failures WHERE updated_at > :'seeded';
DELETE FROM daftar.address_failures WHERE minute > :'seeded'::timestamptz - interval '1 minute';
SELECT quote_ident('dept_' || :'dept') AS schema \gset
-- every table that refers to a file, for the files opened after seeding; then those files
SELECT format('DELETE FROM %s.%I WHERE file_id IN (SELECT id FROM %s.files WHERE created_at > %L)',
              :'schema', c.relname, :'schema', :'seeded')
FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
WHERE c.relnamespace = :'schema'::regnamespace AND c.relkind = 'r' AND c.relname <> 'files'
  AND a.attname = 'file_id' AND NOT a.attisdropped
ORDER BY c.relname \gexec
DELETE FROM :schema.files WHERE created_at > :'seeded';
-- audit events in every department (seeding wrote none): the add-note's here, confidential reads' anywhere
SELECT format('DELETE FROM %1$I.audit_events WHERE at > %2$L; DELETE FROM %1$I.audit_chains WHERE created_at > %2$L',
              'dept_' || code, :'seeded')
FROM daftar.departments ORDER BY code \gexec
DELETE FROM :schema.idempotency WHERE created_at > :'seeded';
DELETE FROM :schema.timers WHERE created_at > :'seeded';
DELETE FROM :schema.events WHERE at > :'seeded';
UPDATE :schema.events_head SET n = (SELECT coalesce(max(n), 0) FROM :schema.events);
-- numbers are gapless per year (CODE/SECTION/YEAR/NNNNNN): a year's counter is the count of its files
DELETE FROM :schema.file_counters c
WHERE NOT EXISTS (SELECT 1 FROM :schema.files f WHERE split_part(f.file_number, '/', 3) = c.year::text);
UPDATE :schema.file_counters c
SET last = (SELECT count(*) FROM :schema.files f WHERE split_part(f.file_number, '/', 3) = c.year::text);
COMMIT;
-- the deleted rows' space, and the planner's statistics of the tables without the run's rows
VACUUM (ANALYZE) :schema.files, :schema.notes, :schema.movements, :schema.file_access, :schema.audit_events,
    :schema.events, :schema.timers, daftar.audit_checkpoints,
    :schema.file_counters, daftar.refresh_tokens, daftar.credentials, daftar.login_failures, daftar.address_failures;
