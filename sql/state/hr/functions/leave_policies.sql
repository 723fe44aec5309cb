-- leave_policies: the row-level rules in force on leave. Types, chains and
-- holidays are read by every request of the scope. An officer's
-- applications, their actions and ledger are read by the officer and by
-- the establishment and approvers (section officer, head of office) of a
-- department they belong to. No policy allows a write: the role writes
-- leave only through the SECURITY DEFINER functions (leave_*.sql), which
-- check who may do what.
ALTER TABLE {schema}.leave_types ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS leave_types_read ON {schema}.leave_types;
CREATE POLICY leave_types_read ON {schema}.leave_types FOR SELECT TO {role} USING (true);
DROP POLICY IF EXISTS leave_chains_read ON {schema}.leave_chains;
CREATE POLICY leave_chains_read ON {schema}.leave_chains FOR SELECT TO {role} USING (true);
DROP POLICY IF EXISTS holidays_read ON {schema}.holidays;
CREATE POLICY holidays_read ON {schema}.holidays FOR SELECT TO {role} USING (true);
DROP POLICY IF EXISTS leave_applications_read ON {schema}.leave_applications;
CREATE POLICY leave_applications_read ON {schema}.leave_applications FOR SELECT TO {role}
    USING ({schema}.sees_leave_of(uid));
DROP POLICY IF EXISTS leave_actions_read ON {schema}.leave_actions;
CREATE POLICY leave_actions_read ON {schema}.leave_actions FOR SELECT TO {role}
    USING (EXISTS (SELECT FROM {schema}.leave_applications a WHERE a.id = application));
DROP POLICY IF EXISTS leave_ledger_read ON {schema}.leave_ledger;
CREATE POLICY leave_ledger_read ON {schema}.leave_ledger FOR SELECT TO {role} USING ({schema}.sees_leave_of(uid));
