-- apar_policies: the row-level rules in force on the scope's tables. Cycles:
-- their department's custodian. Forms (stage, dates, chain): may_see_form.
-- Submissions (content) and their signatures: may_read, level by level.
-- Stage log: may_track. Reads of content and
-- recusals: the custodian of the form's department (and the recusing
-- authority its own). Audit: its actor. Timers: the timers thread
-- (officer 'timer': timers_fire) and, to read, whoever sees the form (a
-- timer tells a form's stage and date); they are set by form_stage. No policy allows a write: writes go through
-- the SECURITY DEFINER functions of this folder, which check who may.
DROP POLICY IF EXISTS cycles_read ON {schema}.cycles;
CREATE POLICY cycles_read ON {schema}.cycles FOR SELECT TO {role} USING ({schema}.custodian_of(dept));
DROP POLICY IF EXISTS forms_read ON {schema}.forms;
CREATE POLICY forms_read ON {schema}.forms FOR SELECT TO {role} USING ({schema}.may_see_form(forms));
DROP POLICY IF EXISTS submissions_read ON {schema}.submissions;
CREATE POLICY submissions_read ON {schema}.submissions FOR SELECT TO {role}
    USING (EXISTS (SELECT 1 FROM {schema}.forms f WHERE f.id = form AND {schema}.may_read(f, level)));
DROP POLICY IF EXISTS reads_read ON {schema}.reads;
CREATE POLICY reads_read ON {schema}.reads FOR SELECT TO {role}
    USING (EXISTS (SELECT 1 FROM {schema}.forms f WHERE f.id = form AND {schema}.custodian_of(f.dept)));
DROP POLICY IF EXISTS recusals_read ON {schema}.recusals;
CREATE POLICY recusals_read ON {schema}.recusals FOR SELECT TO {role}
    USING (by_uid = current_setting('daftar.officer_uid')
           OR EXISTS (SELECT 1 FROM {schema}.forms f WHERE f.id = form AND {schema}.custodian_of(f.dept)));
DROP POLICY IF EXISTS audit_read ON {schema}.audit;
CREATE POLICY audit_read ON {schema}.audit FOR SELECT TO {role} USING (actor = current_setting('daftar.officer_uid'));
DROP POLICY IF EXISTS timers_all ON {schema}.timers;
CREATE POLICY timers_all ON {schema}.timers FOR ALL TO {role}
    USING (current_setting('daftar.officer_uid') = 'timer'
           OR EXISTS (SELECT 1 FROM {schema}.forms f WHERE f.id = subject AND {schema}.may_see_form(f)))
    WITH CHECK (current_setting('daftar.officer_uid') = 'timer');
DROP POLICY IF EXISTS stages_read ON {schema}.stages;
CREATE POLICY stages_read ON {schema}.stages FOR SELECT TO {role}
    USING (EXISTS (SELECT 1 FROM {schema}.forms f WHERE f.id = form AND {schema}.may_track(f)));
DROP POLICY IF EXISTS signatures_read ON {schema}.signatures;
CREATE POLICY signatures_read ON {schema}.signatures FOR SELECT TO {role}
    USING (EXISTS (SELECT 1 FROM {schema}.forms f JOIN {schema}.submissions s ON s.form = f.id
                   WHERE f.id = signatures.form AND s.seq = signatures.seq AND {schema}.may_read(f, s.level)));
