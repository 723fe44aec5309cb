-- service_book_policies: the row-level rules in force on the service book.
-- The officer, and the establishment and head of office of a department
-- they belong to, read it; the establishment enters drafts; drafts change
-- (edited, attested) and attested entries never do; nobody touches their
-- own book but to read it, and nobody deletes.
DROP POLICY IF EXISTS service_book_read ON {schema}.service_book;
CREATE POLICY service_book_read ON {schema}.service_book FOR SELECT TO {role}
    USING (uid = current_setting('daftar.officer_uid') OR {schema}.in_charge(uid, 'establishment')
           OR {schema}.in_charge(uid, 'hoo'));
DROP POLICY IF EXISTS service_book_insert ON {schema}.service_book;
CREATE POLICY service_book_insert ON {schema}.service_book FOR INSERT TO {role}
    WITH CHECK (status = 'draft' AND uid <> current_setting('daftar.officer_uid')
                AND {schema}.in_charge(uid, 'establishment'));
DROP POLICY IF EXISTS service_book_update ON {schema}.service_book;
CREATE POLICY service_book_update ON {schema}.service_book FOR UPDATE TO {role}
    USING (status = 'draft' AND uid <> current_setting('daftar.officer_uid')
           AND ({schema}.in_charge(uid, 'establishment') OR {schema}.in_charge(uid, 'hoo')))
    WITH CHECK (uid <> current_setting('daftar.officer_uid')
                AND ({schema}.in_charge(uid, 'establishment') OR {schema}.in_charge(uid, 'hoo')));
