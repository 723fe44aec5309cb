-- 0008_files_support: what department roles may ask the catalog, and the
-- trusted networks of each department.

-- Active officers who are members of the querying department (the querying
-- role is dept_<code>; inside a view current_user is the role running the
-- query), with their clearance rank 0..3. Department roles see nothing else
-- of the catalog.
CREATE VIEW daftar.dept_members WITH (security_barrier) AS
    SELECT o.uid, array_position(ARRAY['unclassified', 'restricted', 'confidential', 'secret'], o.clearance) - 1 AS clearance
    FROM daftar.officers o JOIN daftar.memberships m ON m.uid = o.uid
    WHERE o.status = 'active' AND 'dept_' || m.dept = current_user;

-- Networks from which confidential and secret files of the department may be read.
ALTER TABLE daftar.departments ADD COLUMN trusted_cidrs cidr[] NOT NULL DEFAULT '{}';
