-- 0029_auditor_role: the auditor (auth.h DFT_ROLES), who exports a
-- department's audit trail with its hash chain (GET
-- /v1/departments/{dept}/audit, issue 22) and nothing else by that role.
-- Members may hold it; service accounts may not.
ALTER TABLE daftar.memberships DROP CONSTRAINT memberships_roles_check;
ALTER TABLE daftar.memberships ADD CONSTRAINT memberships_roles_check
    CHECK (roles <@ ARRAY['officer', 'section_officer', 'dept_admin', 'hr_admin', 'dispatch_clerk', 'training_nodal',
                          'records_officer', 'establishment', 'hoo', 'training_admin', 'apar_custodian',
                          'auditor']::text[] AND cardinality(roles) > 0);
