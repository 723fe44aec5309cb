-- file_sent_policies: an officer reads only their own rows of file_sent (department 0031); no one writes
-- them but the triggers of file_sent_track.sql (SECURITY DEFINER, the schema's owner).
DROP POLICY IF EXISTS file_sent_read ON {schema}.file_sent;
CREATE POLICY file_sent_read ON {schema}.file_sent FOR SELECT USING (uid = {schema}.me());
