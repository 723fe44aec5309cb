-- audit_policies: the row-level rules in force on audit. Only audit_append
-- (sql/scoped/functions/), which runs as the owner, appends: the role has no
-- INSERT since the scope's NNNN_audit_chain, and no policy to insert with.
-- An officer reads the events about themselves (GET /v1/me/data), nobody
-- else reads them through the API.
DROP POLICY IF EXISTS audit_insert ON {schema}.audit;
DROP POLICY IF EXISTS audit_read ON {schema}.audit;
CREATE POLICY audit_read ON {schema}.audit FOR SELECT TO {role}
    USING (subject = current_setting('daftar.officer_uid'));
