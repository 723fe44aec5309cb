-- 0023_apar_roles: the APAR custodian (auth.h DFT_ROLES), who opens a
-- department's appraisal cycle, maps each officer's reporting chain and
-- watches the stages; never sees grades or text. Members may hold it;
-- service accounts may not.
ALTER TABLE daftar.memberships DROP CONSTRAINT memberships_roles_check;
ALTER TABLE daftar.memberships ADD CONSTRAINT memberships_roles_check
    CHECK (roles <@ ARRAY['officer', 'section_officer', 'dept_admin', 'hr_admin', 'dispatch_clerk', 'training_nodal',
                          'records_officer', 'establishment', 'hoo', 'training_admin', 'apar_custodian']::text[] AND cardinality(roles) > 0);
