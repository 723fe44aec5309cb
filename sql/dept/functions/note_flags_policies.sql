-- note_flags_policies: a flag is read by whoever may see its file, and a
-- flag on a draft by the draft's author only (as the draft itself); it is
-- added, changed or removed only by its author (note_flags_guard refuses
-- any change once the note is final). Department 0027.
DROP POLICY IF EXISTS note_flags_read ON {schema}.note_flags;
CREATE POLICY note_flags_read ON {schema}.note_flags FOR SELECT
    USING ({schema}.file_visible(file_id)
           AND (created_by = {schema}.me()
                OR EXISTS (SELECT 1 FROM {schema}.notes x WHERE x.file_id = note_flags.file_id AND x.n = note_flags.n
                                                              AND x.status = 'final')));
DROP POLICY IF EXISTS note_flags_add ON {schema}.note_flags;
CREATE POLICY note_flags_add ON {schema}.note_flags FOR INSERT WITH CHECK (created_by = {schema}.me());
DROP POLICY IF EXISTS note_flags_keep ON {schema}.note_flags;
CREATE POLICY note_flags_keep ON {schema}.note_flags FOR UPDATE USING (created_by = {schema}.me());
DROP POLICY IF EXISTS note_flags_drop ON {schema}.note_flags;
CREATE POLICY note_flags_drop ON {schema}.note_flags FOR DELETE USING (created_by = {schema}.me());
