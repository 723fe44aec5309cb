-- 0022_training_roles: training_admin (auth.h DFT_ROLES), who manages the
-- state's course catalogue, state assignments and certificate revocations.
-- It is a state power held as a membership of one department the state
-- names (state_training.settings admin_dept; README "Training"): held there
-- it counts, held anywhere else it gives nothing. Members may hold it;
-- service accounts may not (the service_accounts CHECK stays as it is):
-- like the administrative roles it changes what every officer's records
-- say (which courses are mandatory, which certificates stand), so it is
-- exercised by a named officer. Only a dept_admin grants it
-- (functions/admin_check.sql), and no posting carries it
-- (functions/posting_membership.sql).
ALTER TABLE daftar.memberships DROP CONSTRAINT memberships_roles_check;
ALTER TABLE daftar.memberships ADD CONSTRAINT memberships_roles_check
    CHECK (roles <@ ARRAY['officer', 'section_officer', 'dept_admin', 'hr_admin', 'dispatch_clerk', 'training_nodal',
                          'records_officer', 'establishment', 'hoo', 'training_admin']::text[] AND cardinality(roles) > 0);
