-- postings_policies: the row-level rules in force on postings: the officer
-- reads their own orders; the establishment of the department an order
-- relieves from or joins to reads it. Writes only through posting_order
-- and posting_act (SECURITY DEFINER).
DROP POLICY IF EXISTS postings_read ON {schema}.postings;
CREATE POLICY postings_read ON {schema}.postings FOR SELECT TO {role}
    USING (uid = current_setting('daftar.officer_uid')
           OR (current_setting('daftar.dept') IN (from_dept, to_dept)
               AND position(',establishment,' IN current_setting('daftar.roles')) > 0));
