-- leave_working_day: the function in force. `daftar migrate` re-applies
-- this file when it changes.
-- p_day is a working day of department p_dept (not Sunday, not a holiday).
CREATE OR REPLACE FUNCTION {schema}.leave_working_day(p_dept text, p_day date) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT extract(isodow FROM p_day) <> 7
       AND NOT EXISTS (SELECT FROM {schema}.holidays h WHERE h.dept = p_dept AND h.day = p_day)
$$;
