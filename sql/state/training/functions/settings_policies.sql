-- settings_policies: the row-level rules in force on settings: every request
-- reads them but client_salt (the key of client tags: client_tag.sql);
-- none writes them (a state changes them as an operator).
DROP POLICY IF EXISTS settings_read ON {schema}.settings;
CREATE POLICY settings_read ON {schema}.settings FOR SELECT TO {role} USING (name <> 'client_salt');
