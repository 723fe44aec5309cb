-- receipt_seen_policies: an officer reads only their own rows of receipt_seen (department 0033); no one writes
-- them but the triggers of receipt_seen_track.sql (SECURITY DEFINER, the schema's owner).
DROP POLICY IF EXISTS receipt_seen_read ON {schema}.receipt_seen;
CREATE POLICY receipt_seen_read ON {schema}.receipt_seen FOR SELECT USING (uid = {schema}.me());
