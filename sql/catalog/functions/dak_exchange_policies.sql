-- dak_exchange_policies: who reaches which rows of daftar.dak_exchange
-- (catalog 0026). current_user is the department role the request runs as
-- (dept_<code>); the table's owner (migrations) is not subject to them.
-- A department sends only as itself, to an active department other than
-- itself; reads what it sent or received; acknowledges only what it
-- received.
DROP POLICY IF EXISTS dak_exchange_send ON daftar.dak_exchange;
CREATE POLICY dak_exchange_send ON daftar.dak_exchange FOR INSERT TO daftar_dept
    WITH CHECK ('dept_' || sender = current_user AND recipient <> sender AND daftar.department_known(recipient));
DROP POLICY IF EXISTS dak_exchange_read ON daftar.dak_exchange;
CREATE POLICY dak_exchange_read ON daftar.dak_exchange FOR SELECT TO daftar_dept
    USING ('dept_' || sender = current_user OR 'dept_' || recipient = current_user);
DROP POLICY IF EXISTS dak_exchange_receive ON daftar.dak_exchange;
CREATE POLICY dak_exchange_receive ON daftar.dak_exchange FOR UPDATE TO daftar_dept
    USING ('dept_' || recipient = current_user) WITH CHECK ('dept_' || recipient = current_user);
