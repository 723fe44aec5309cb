-- deploy/demo-seed.sql — a few files in the demo department, made through
-- the same SQL functions the API calls, as the department's role with the
-- settings the server would set for each officer. Run once by deploy/run:
--   psql -v dept=fin -v asha=UID -v bhaskar=UID -v chitra=UID -f deploy/demo-seed.sql
\set ON_ERROR_STOP on
SET ROLE :"role";
SELECT set_config('daftar.client_addr', '127.0.0.1', false), set_config('daftar.request_id', 'demo-seed', false),
       set_config('daftar.otp', 'f', false), set_config('daftar.trusted', 'f', false),
       set_config('daftar.clearance', '1', false), set_config('daftar.roles', ',officer,', false);

CREATE TEMP TABLE demo_files (n int, id uuid);

-- Asha opens three files and writes on them.
SELECT set_config('daftar.officer_uid', :'asha', false);
INSERT INTO demo_files SELECT n, ((:"schema".file_create(s, c, sec, 'restricted', p, NULL, 'demo' || n, NULL))->'file'->>'id')::uuid
FROM (VALUES (1, 'Revised estimates 2026-27: Directorate of Treasuries', 'Budget', 'BUDGET', 'immediate'),
             (2, 'वेतन निर्धारण: सातवें वेतन आयोग के अनुसार संशोधन', 'Pay', 'PAY', 'normal'),
             (3, 'Purchase of 40 document scanners for e-Office', 'Procurement', 'ADMIN', 'most_immediate')) v(n, s, c, sec, p);
SELECT :"schema".note_add(id, 'Para 1: The proposal is placed below for examination.') FROM demo_files;
SELECT :"schema".note_add(id, 'पैरा 2: प्रस्ताव नियमों के अनुरूप है; आदेश हेतु प्रस्तुत।') FROM demo_files WHERE n = 2;

-- Files 1 and 2 go to Bhaskar; file 1 on to Chitra, who holds it for orders.
SELECT :"schema".file_move(id, 1, 'forward', :'bhaskar', 'For examination', (now() + interval '3 days')::date)
FROM demo_files WHERE n IN (1, 2);
SELECT set_config('daftar.officer_uid', :'bhaskar', false);
SELECT :"schema".note_add(id, 'Para 2: Examined. Funds are available under head 2054-00-095.') FROM demo_files WHERE n = 1;
SELECT :"schema".file_move(id, 2, 'forward', :'chitra', 'Put up for orders', NULL) FROM demo_files WHERE n = 1;
