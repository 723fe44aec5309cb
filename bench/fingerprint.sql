-- bench/fingerprint.sql — what a run must leave as seeding left it once bench/reset.sql has run: one
-- line per table of the catalog and of the add-note department (psql variable dept) with its row
-- count and a hash of its rows, and one line for every other table together: how many rows were ever
-- inserted, updated or deleted in them (pg_stat_user_tables; a run only reads them), except the audit
-- tables, which a confidential read writes (bench/reset.sql empties them again): their rows are counted.
-- bench/run keeps seeding's fingerprint and seeds anew when a reused cluster's differs.
\set ON_ERROR_STOP on
SELECT format('SELECT %L, count(*), coalesce(sum(hashtext(t::text)), 0) FROM %I.%I t',
              schemaname || '.' || relname, schemaname, relname)
FROM pg_stat_user_tables WHERE schemaname IN ('daftar', 'dept_' || :'dept')
  AND relname <> 'schema_functions'  -- bench/run's `daftar migrate` writes the digests of changed function files
ORDER BY schemaname, relname \gexec
SELECT 'rows written in the other tables', sum(n_tup_ins + n_tup_upd + n_tup_del)
FROM pg_stat_user_tables WHERE schemaname NOT IN ('daftar', 'dept_' || :'dept')
  AND relname NOT IN ('audit_events', 'audit_chains');
SELECT 'SELECT ''audit rows of the other departments'', ' || string_agg(
           format('(SELECT count(*) FROM %1$I.audit_events) + (SELECT count(*) FROM %1$I.audit_chains)', schemaname),
           ' + ')
FROM (SELECT DISTINCT schemaname FROM pg_stat_user_tables
      WHERE schemaname LIKE 'dept\_%' AND schemaname <> 'dept_' || :'dept' AND relname = 'audit_events') s \gexec
