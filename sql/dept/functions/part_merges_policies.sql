-- part_merges_policies: the record of a merge is read by whoever may see the
-- main file, and written only by whoever merges (department 0028).
DROP POLICY IF EXISTS part_merges_read ON {schema}.part_merges;
CREATE POLICY part_merges_read ON {schema}.part_merges FOR SELECT USING ({schema}.file_visible(main_id));
DROP POLICY IF EXISTS part_merges_add ON {schema}.part_merges;
CREATE POLICY part_merges_add ON {schema}.part_merges FOR INSERT
    WITH CHECK (merged_by = {schema}.me() AND {schema}.file_visible(main_id) AND {schema}.file_visible(part_id));
