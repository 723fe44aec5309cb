-- audit_policies: the row-level rules in force on audit. A request appends
-- only as its own officer; an officer reads the events about themselves
-- (GET /v1/me/data), nobody else reads them through the API.
DROP POLICY IF EXISTS audit_insert ON {schema}.audit;
CREATE POLICY audit_insert ON {schema}.audit FOR INSERT TO {role}
    WITH CHECK (actor = current_setting('daftar.officer_uid'));
DROP POLICY IF EXISTS audit_read ON {schema}.audit;
CREATE POLICY audit_read ON {schema}.audit FOR SELECT TO {role}
    USING (subject = current_setting('daftar.officer_uid'));
