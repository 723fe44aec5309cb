-- weedings_policies: the record of weeded files is read by records officers
-- and dept_admins (department 0030); nobody else reads it, and the
-- department's role writes none of it (file_weed writes, as the owner).
DROP POLICY IF EXISTS weedings_read ON {schema}.weedings;
CREATE POLICY weedings_read ON {schema}.weedings FOR SELECT
    USING ({schema}.has_role('records_officer') OR {schema}.has_role('dept_admin'));
