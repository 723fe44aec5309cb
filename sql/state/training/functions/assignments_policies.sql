-- assignments_policies: the row-level rules in force on assignments and
-- their rosters. Assignments: state ones are read by every request; a
-- department's by its members (the caller's own memberships, which
-- daftar.state_members shows). A roster row: by the officer it names, and
-- by the nodal officer of the department it counts for. No policy allows a
-- write: the role writes them only through assignment_create,
-- assignment_sync and the timers (SECURITY DEFINER).
DROP POLICY IF EXISTS assignments_read ON {schema}.assignments;
CREATE POLICY assignments_read ON {schema}.assignments FOR SELECT TO {role}
    USING (dept IS NULL OR EXISTS (SELECT FROM daftar.state_members m
                                   WHERE m.dept = assignments.dept AND m.uid = current_setting('daftar.officer_uid')));
DROP POLICY IF EXISTS assignees_read ON {schema}.assignees;
CREATE POLICY assignees_read ON {schema}.assignees FOR SELECT TO {role}
    USING (uid = current_setting('daftar.officer_uid') OR (dept = current_setting('daftar.dept') AND {schema}.nodal()));
