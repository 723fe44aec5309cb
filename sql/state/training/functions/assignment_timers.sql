-- assignment_timers: the function in force. `daftar migrate` re-applies
-- this file when it changes.
-- The deadlines of assignment a that act by themselves (the timers of the
-- scope): none yet.
CREATE OR REPLACE FUNCTION {schema}.assignment_timers(a {schema}.assignments) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
END
$$;
