-- employees_policies: the row-level rules in force on employees (applied
-- after the scope's functions; `daftar migrate` re-applies this file when it
-- changes). An officer reads their own particulars; the establishment of a
-- department they belong to reads and writes them; nobody writes their own,
-- and nobody deletes.
DROP POLICY IF EXISTS employees_read ON {schema}.employees;
CREATE POLICY employees_read ON {schema}.employees FOR SELECT TO {role}
    USING (uid = current_setting('daftar.officer_uid') OR {schema}.establishes(uid));
DROP POLICY IF EXISTS employees_insert ON {schema}.employees;
CREATE POLICY employees_insert ON {schema}.employees FOR INSERT TO {role}
    WITH CHECK ({schema}.establishes(uid) AND uid <> current_setting('daftar.officer_uid'));
DROP POLICY IF EXISTS employees_update ON {schema}.employees;
CREATE POLICY employees_update ON {schema}.employees FOR UPDATE TO {role}
    USING ({schema}.establishes(uid) AND uid <> current_setting('daftar.officer_uid'))
    WITH CHECK ({schema}.establishes(uid) AND uid <> current_setting('daftar.officer_uid'));
