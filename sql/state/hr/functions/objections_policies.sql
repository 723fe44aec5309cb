-- objections_policies: the row-level rules in force on objections. The
-- officer raises them on their own book; they, the establishment and the
-- head of office read the thread; the establishment answers an open one
-- (not its own); nobody deletes.
DROP POLICY IF EXISTS objections_read ON {schema}.objections;
CREATE POLICY objections_read ON {schema}.objections FOR SELECT TO {role}
    USING (uid = current_setting('daftar.officer_uid') OR {schema}.in_charge(uid, 'establishment')
           OR {schema}.in_charge(uid, 'hoo'));
DROP POLICY IF EXISTS objections_insert ON {schema}.objections;
CREATE POLICY objections_insert ON {schema}.objections FOR INSERT TO {role}
    WITH CHECK (uid = current_setting('daftar.officer_uid') AND status = 'open');
DROP POLICY IF EXISTS objections_update ON {schema}.objections;
CREATE POLICY objections_update ON {schema}.objections FOR UPDATE TO {role}
    USING (status = 'open' AND uid <> current_setting('daftar.officer_uid') AND {schema}.in_charge(uid, 'establishment'))
    WITH CHECK (uid <> current_setting('daftar.officer_uid') AND {schema}.in_charge(uid, 'establishment'));
