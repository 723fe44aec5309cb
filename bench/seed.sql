-- bench/seed.sql — benchmark data, by SQL (not through the API), into every
-- department schema that exists. psql variables:
--   officers_per_dept   officers seeded per department (catalog; no login)
--   files_per_dept      files per department
--   notes_per_file      final, correctly chained notes per file
--   bench_uids          comma-separated UIDs of the officers who log in and drive the load;
--                       those who are members of a department create and hold half of its files
--   main_depts          how many departments (in code order) get the full data; the rest get 20 files
--   cleared_uids        comma-separated UIDs of the officers cleared for confidential files (real UIDs, a
--                       second factor enrolled): each full-data department gets confidential_per_dept
--                       confidential files, created and held by those of them who are members (round robin)
--   confidential_per_dept  see cleared_uids
-- Notes are inserted a note number at a time for all files of a department
-- (set-based), each hash computed by the department's own note_hash, so
-- notes/verify passes.
\set ON_ERROR_STOP on
SET client_min_messages = warning;
-- seeding writes final notes and their hashes directly, which the department's guards refuse
-- to anyone (notes are born drafts since department 0014): a trusted bulk load, triggers off
SET session_replication_role = replica;

-- Officers: 11-digit UIDs 9xxxxxxxxxx (never valid for login, distinct from real ones),
-- officers_per_dept in every department.
INSERT INTO daftar.officers (uid, name, home_dept)
SELECT '9' || lpad((d.id * 100000 + i)::text, 10, '0'), 'Bench officer ' || d.code || '-' || i, d.code
FROM daftar.departments d, generate_series(1, :officers_per_dept) i
ON CONFLICT DO NOTHING;
INSERT INTO daftar.memberships (uid, dept, roles)
SELECT '9' || lpad((d.id * 100000 + i)::text, 10, '0'), d.code, '{officer}'
FROM daftar.departments d, generate_series(1, :officers_per_dept) i
ON CONFLICT DO NOTHING;

CREATE TEMP TABLE bench_params AS
SELECT string_to_array(:'bench_uids', ',') AS bench, :files_per_dept::int AS files, :notes_per_file::int AS notes,
       :main_depts::int AS main_depts, :officers_per_dept::int AS officers,
       string_to_array(:'cleared_uids', ',') AS cleared, :confidential_per_dept::int AS confidential;

DO $$
DECLARE
    p bench_params;
    d record;
    s text;
    nfiles int;
    members text[];
    cleared text[];
    nconf int;
BEGIN
    SELECT * INTO p FROM bench_params;
    FOR d IN SELECT id, code, row_number() OVER (ORDER BY code) AS rank FROM daftar.departments ORDER BY code LOOP
        s := quote_ident('dept_' || d.code);
        nfiles := CASE WHEN d.rank <= p.main_depts THEN p.files ELSE least(p.files, 20) END;
        members := ARRAY(SELECT m.uid FROM daftar.memberships m WHERE m.dept = d.code AND m.uid = ANY (p.bench)
                         ORDER BY m.uid);
        -- files: even ones created and held by the bench officers (round robin), odd ones by seeded officers
        EXECUTE format($f$
            INSERT INTO %1$s.files (file_number, subject, category, section, classification, priority, created_by, holder,
                                    created_at, updated_at)
            SELECT upper(%2$L) || '/BENCH/2026/' || lpad(i::text, 6, '0'),
                   CASE i %% 3 WHEN 0 THEN 'वेतन निर्धारण प्रस्ताव ' ELSE 'Budget proposal for scheme ' END || i,
                   'Bench', 'BENCH', 'restricted', 'normal', u, u,
                   now() - make_interval(mins => i), now() - make_interval(mins => i)
            FROM (SELECT i, CASE WHEN i %% 2 = 0 AND cardinality($1) > 0 THEN $1[1 + (i / 2) %% cardinality($1)]
                                 ELSE '9' || lpad((%3$s * 100000 + 1 + i %% %4$s)::text, 10, '0') END AS u
                  FROM generate_series(1, %5$s) i) g$f$, s, d.code, d.id, p.officers, nfiles)
        USING members;
        -- confidential files (numbers after the others'): read by the cleared officers, each read audited
        cleared := ARRAY(SELECT m.uid FROM daftar.memberships m WHERE m.dept = d.code AND m.uid = ANY (p.cleared)
                         ORDER BY m.uid);
        nconf := CASE WHEN d.rank <= p.main_depts AND cardinality(cleared) > 0 THEN p.confidential ELSE 0 END;
        EXECUTE format($f$
            INSERT INTO %1$s.files (file_number, subject, category, section, classification, priority, created_by, holder,
                                    created_at, updated_at)
            SELECT upper(%2$L) || '/BENCH/2026/' || lpad((%3$s + i)::text, 6, '0'), 'Vigilance enquiry ' || i,
                   'Bench', 'BENCH', 'confidential', 'normal', u, u,
                   now() - make_interval(mins => %3$s + i), now() - make_interval(mins => %3$s + i)
            FROM (SELECT i, $1[1 + i %% cardinality($1)] AS u FROM generate_series(1, %4$s) i) g$f$, s, d.code, nfiles, nconf)
        USING cleared;
        EXECUTE format('INSERT INTO %1$s.file_counters (year, last) VALUES (2026, %2$s)', s, nfiles + nconf);
        EXECUTE format('INSERT INTO %1$s.file_access (file_id, uid) SELECT id, holder FROM %1$s.files', s);
        -- file_seen (department 0032) as its triggers (off here) would have kept it: each access row's file
        EXECUTE format($f$INSERT INTO %1$s.file_seen (uid, file_id, updated_at)
                          SELECT a.uid, f.id, f.updated_at FROM %1$s.file_access a JOIN %1$s.files f ON f.id = a.file_id$f$, s);
        -- receipts: half as many as files, registered and held as the files are (even ones by the bench officers),
        -- each with its register line, access row and receipt_seen row (department 0033)
        EXECUTE format($f$
            INSERT INTO %1$s.receipts (receipt_number, sender, received_on, mode, subject, classification, registered_by,
                                       holder, created_at, updated_at)
            SELECT upper(%2$L) || '/R/2026/' || lpad(i::text, 6, '0'), 'Collector, Bench ' || i,
                   (now() - make_interval(mins => i))::date, 'post', 'Letter on scheme ' || i, 'restricted', u, u,
                   now() - make_interval(mins => i), now() - make_interval(mins => i)
            FROM (SELECT i, CASE WHEN i %% 2 = 0 AND cardinality($1) > 0 THEN $1[1 + (i / 2) %% cardinality($1)]
                                 ELSE '9' || lpad((%3$s * 100000 + 1 + i %% %4$s)::text, 10, '0') END AS u
                  FROM generate_series(1, %5$s) i) g$f$, s, d.code, d.id, p.officers, nfiles / 2)
        USING members;
        EXECUTE format('INSERT INTO %1$s.receipt_counters (year, last) VALUES (2026, %2$s)', s, nfiles / 2);
        EXECUTE format('INSERT INTO %1$s.receipt_access (receipt_id, uid) SELECT id, registered_by FROM %1$s.receipts', s);
        EXECUTE format($f$INSERT INTO %1$s.receipt_movements (receipt_id, seq, action, from_uid, to_uid, at)
                          SELECT id, 1, 'register', registered_by, registered_by, created_at FROM %1$s.receipts$f$, s);
        EXECUTE format($f$INSERT INTO %1$s.receipt_seen (uid, receipt_id, created_at)
                          SELECT registered_by, id, created_at FROM %1$s.receipts$f$, s);
        EXECUTE format($f$INSERT INTO %1$s.movements (file_id, seq, action, from_uid, to_uid, at)
                          SELECT id, 1, 'create', holder, holder, created_at FROM %1$s.files$f$, s);
        -- each holder has opened its files: a run's first read of a file would otherwise write here
        -- (file_opened), and the next run would find the department changed (bench/fingerprint.sql)
        EXECUTE format('INSERT INTO %1$s.file_opens (file_id, uid, seq, at) SELECT id, holder, 1, created_at FROM %1$s.files', s);
        FOR n IN 1..p.notes LOOP
            EXECUTE format($f$
                INSERT INTO %1$s.notes (file_id, n, author, body, status, created_at, updated_at, finalized_at, prev_hash, hash)
                SELECT (y.x).file_id, (y.x).n, (y.x).author, (y.x).body, 'final', (y.x).created_at, (y.x).created_at,
                       (y.x).created_at, (y.x).prev_hash, %1$s.note_hash((y.x).prev_hash, y.x)
                FROM (SELECT (f.id, %2$s, f.holder, 'Para %2$s: examined and put up. पैरा %2$s.', 'final',
                              f.created_at + make_interval(secs => %2$s), f.created_at + make_interval(secs => %2$s),
                              f.created_at + make_interval(secs => %2$s),
                              coalesce(prev.hash, repeat('0', 64)), NULL)::%1$s.notes AS x
                      FROM %1$s.files f
                      LEFT JOIN %1$s.notes prev ON prev.file_id = f.id AND prev.n = %2$s - 1) y$f$, s, n);
        END LOOP;
        EXECUTE format('ANALYZE %1$s.files; ANALYZE %1$s.notes; ANALYZE %1$s.file_access; ANALYZE %1$s.movements; '
                       'ANALYZE %1$s.file_seen; ANALYZE %1$s.receipts; ANALYZE %1$s.receipt_access; '
                       'ANALYZE %1$s.receipt_seen; ANALYZE %1$s.file_opens', s);
        -- a transaction a department: one for all 1,000 ran out of lock slots (max_locks_per_transaction)
        COMMIT;
    END LOOP;
END
$$;
ANALYZE daftar.officers;
ANALYZE daftar.memberships;
