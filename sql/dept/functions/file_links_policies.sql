-- file_links_policies: a link between two files is read only by whoever
-- may see both, and made only by its author (file_link checks that they
-- hold the first and may see the second). Department 0027.
DROP POLICY IF EXISTS file_links_read ON {schema}.file_links;
CREATE POLICY file_links_read ON {schema}.file_links FOR SELECT
    USING ({schema}.file_visible(file_id) AND {schema}.file_visible(other_id));
DROP POLICY IF EXISTS file_links_add ON {schema}.file_links;
CREATE POLICY file_links_add ON {schema}.file_links FOR INSERT
    WITH CHECK (created_by = {schema}.me() AND {schema}.file_visible(file_id) AND {schema}.file_visible(other_id));
