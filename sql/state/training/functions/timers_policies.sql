-- timers_policies: timers hold no one's data but a subject's id and when
-- something is due: every request of the scope may set, read and cancel
-- them (through timer_set, timer_cancel, timers_fire).
DROP POLICY IF EXISTS timers_all ON {schema}.timers;
CREATE POLICY timers_all ON {schema}.timers FOR ALL TO {role} USING (true) WITH CHECK (true);
