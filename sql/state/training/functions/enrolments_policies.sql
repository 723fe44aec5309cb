-- enrolments_policies: the row-level rules in force on enrolments: read by
-- the officer and by the nodal officer of a department they belong to
-- (sees_progress_of.sql); written only through enrol (SECURITY DEFINER)
-- and the progress functions.
DROP POLICY IF EXISTS enrolments_read ON {schema}.enrolments;
CREATE POLICY enrolments_read ON {schema}.enrolments FOR SELECT TO {role} USING ({schema}.sees_progress_of(uid));
