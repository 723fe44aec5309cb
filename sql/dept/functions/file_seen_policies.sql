-- file_seen_policies: an officer reads only their own rows of file_seen (department 0032); no one writes
-- them but the triggers of file_seen_track.sql (SECURITY DEFINER, the schema's owner).
DROP POLICY IF EXISTS file_seen_read ON {schema}.file_seen;
CREATE POLICY file_seen_read ON {schema}.file_seen FOR SELECT USING (uid = {schema}.me());
