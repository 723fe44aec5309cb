-- 0030_dept_moving: a department being moved to another cluster (`daftar dept move`,
-- lib/tenant/move.c). While moving_to is set the department is read-only on every
-- server (writes get 503 department-moving with Retry-After; reads go on from the
-- source cluster); the move sets cluster and clears it in one statement at the switch.
ALTER TABLE daftar.departments ADD COLUMN moving_to text;
