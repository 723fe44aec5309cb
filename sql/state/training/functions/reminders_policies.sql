-- reminders_policies: the row-level rules in force on reminders: read by
-- the officer they are for and the nodal officer of a department they
-- belong to; written only by the deadlines' timers (SECURITY DEFINER).
DROP POLICY IF EXISTS reminders_read ON {schema}.reminders;
CREATE POLICY reminders_read ON {schema}.reminders FOR SELECT TO {role} USING ({schema}.sees_progress_of(uid));
