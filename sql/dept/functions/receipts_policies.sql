-- receipts_policies: which rows of receipts, their track and access rows the
-- department's role reaches (department 0025); the owner (migrations, the
-- SECURITY DEFINER hand-over) is not subject to them. A receipt: who may see
-- it (may_see_receipt), registered only as oneself, changed only by whoever
-- acts for its holder, and always left with a member of the department
-- cleared for it; never deleted (no policy). Its track and access rows:
-- reached through a receipt the caller may see (the sub-query on receipts is
-- itself under receipts' policy); access rows read are the caller's own.
DROP POLICY IF EXISTS receipts_read ON {schema}.receipts;
CREATE POLICY receipts_read ON {schema}.receipts FOR SELECT USING ({schema}.may_see_receipt(receipts));
DROP POLICY IF EXISTS receipts_register ON {schema}.receipts;
CREATE POLICY receipts_register ON {schema}.receipts FOR INSERT
    WITH CHECK (registered_by = {schema}.me() AND holder = {schema}.me());
DROP POLICY IF EXISTS receipts_act ON {schema}.receipts;
CREATE POLICY receipts_act ON {schema}.receipts FOR UPDATE USING ({schema}.acts_for(holder))
    WITH CHECK (EXISTS (SELECT 1 FROM daftar.dept_members m
                        WHERE m.uid = holder AND m.clearance >= {schema}.clearance_rank(classification)));

DROP POLICY IF EXISTS receipt_movements_read ON {schema}.receipt_movements;
CREATE POLICY receipt_movements_read ON {schema}.receipt_movements FOR SELECT
    USING (EXISTS (SELECT 1 FROM {schema}.receipts x WHERE x.id = receipt_id));
DROP POLICY IF EXISTS receipt_movements_add ON {schema}.receipt_movements;
CREATE POLICY receipt_movements_add ON {schema}.receipt_movements FOR INSERT
    WITH CHECK (from_uid = {schema}.me() AND EXISTS (SELECT 1 FROM {schema}.receipts x WHERE x.id = receipt_id));

DROP POLICY IF EXISTS receipt_access_read ON {schema}.receipt_access;
CREATE POLICY receipt_access_read ON {schema}.receipt_access FOR SELECT USING (uid = {schema}.me());
DROP POLICY IF EXISTS receipt_access_add ON {schema}.receipt_access;
CREATE POLICY receipt_access_add ON {schema}.receipt_access FOR INSERT
    WITH CHECK (EXISTS (SELECT 1 FROM {schema}.receipts x WHERE x.id = receipt_id));
