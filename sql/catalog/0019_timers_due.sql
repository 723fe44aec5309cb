-- 0019_timers_due: daftar.timers_due_departments now takes how far ahead to
-- look and returns rows (code, due, next_in) rather than one text of codes,
-- so the timers threads say how many timers are due (daftar_timers_due) and
-- sleep until the next one. Its first form goes here, before
-- functions/timers_due_departments.sql makes the new one.
DROP FUNCTION IF EXISTS daftar.timers_due_departments();
