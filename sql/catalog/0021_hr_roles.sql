-- 0021_hr_roles: two roles of e-HRMS (auth.h DFT_ROLES): `establishment`,
-- the section that keeps employees' records (service particulars, the
-- service book), and `hoo`, the head of office who attests them. Members
-- may hold them; service accounts may not (like the administrative roles,
-- they change what officers' records say).
ALTER TABLE daftar.memberships DROP CONSTRAINT memberships_roles_check;
ALTER TABLE daftar.memberships ADD CONSTRAINT memberships_roles_check
    CHECK (roles <@ ARRAY['officer', 'section_officer', 'dept_admin', 'hr_admin', 'dispatch_clerk', 'training_nodal',
                          'records_officer', 'establishment', 'hoo']::text[] AND cardinality(roles) > 0);
