-- filing_heads_policies: every member reads the department's filing scheme;
-- only a records officer or dept_admin adds or changes a head (department
-- 0026), and nobody deletes one (no policy: files name it).
DROP POLICY IF EXISTS filing_heads_read ON {schema}.filing_heads;
CREATE POLICY filing_heads_read ON {schema}.filing_heads FOR SELECT USING (true);
DROP POLICY IF EXISTS filing_heads_add ON {schema}.filing_heads;
CREATE POLICY filing_heads_add ON {schema}.filing_heads FOR INSERT
    WITH CHECK (({schema}.has_role('records_officer') OR {schema}.has_role('dept_admin')) AND created_by = {schema}.me());
DROP POLICY IF EXISTS filing_heads_keep ON {schema}.filing_heads;
CREATE POLICY filing_heads_keep ON {schema}.filing_heads FOR UPDATE
    USING ({schema}.has_role('records_officer') OR {schema}.has_role('dept_admin'));
