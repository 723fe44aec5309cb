-- courses_policies: the row-level rules in force on the catalogue (courses,
-- modules, questions). Every request reads published and retired courses;
-- drafts only their administrators (administers.sql). No policy allows a
-- write: the role writes the catalogue only through course_put and
-- course_status (SECURITY DEFINER), and may not read questions.answer at
-- all (0002_courses: a column privilege).
DROP POLICY IF EXISTS courses_read ON {schema}.courses;
CREATE POLICY courses_read ON {schema}.courses FOR SELECT TO {role}
    USING (status <> 'draft' OR {schema}.administers());
DROP POLICY IF EXISTS modules_read ON {schema}.modules;
CREATE POLICY modules_read ON {schema}.modules FOR SELECT TO {role}
    USING (EXISTS (SELECT FROM {schema}.courses c WHERE c.id = course));
DROP POLICY IF EXISTS questions_read ON {schema}.questions;
CREATE POLICY questions_read ON {schema}.questions FOR SELECT TO {role}
    USING (EXISTS (SELECT FROM {schema}.courses c WHERE c.id = course));
