-- dept_members: the view in force. `daftar migrate` re-applies this file
-- when it changes; earlier bodies are history in sql/catalog/ 0008.
-- Active officers who are members of the querying department (the querying
-- role is dept_<code>; inside a view current_user is the role running the
-- query), with their clearance rank 0..3. Department roles see nothing else
-- of the catalog.
CREATE OR REPLACE VIEW daftar.dept_members WITH (security_barrier) AS
    SELECT o.uid, array_position(ARRAY['unclassified', 'restricted', 'confidential', 'secret'], o.clearance) - 1 AS clearance
    FROM daftar.officers o JOIN daftar.memberships m ON m.uid = o.uid
    WHERE o.status = 'active' AND 'dept_' || m.dept = current_user;
