-- leave_days: the function in force. `daftar migrate` re-applies this file
-- when it changes.
-- Days an application of type p_type from p_from to p_to takes: calendar
-- days (holidays inside the period count: the sandwich rule), or for a
-- working-days type (casual leave) the days that are neither Sunday nor a
-- holiday of the department.
CREATE OR REPLACE FUNCTION {schema}.leave_days(p_dept text, p_type text, p_from date, p_to date) RETURNS numeric
LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN t.working_days
                THEN (SELECT count(*) FROM generate_series(p_from, p_to, interval '1 day') d
                      WHERE extract(isodow FROM d) <> 7
                        AND NOT EXISTS (SELECT FROM {schema}.holidays h WHERE h.dept = p_dept AND h.day = d::date))
                ELSE p_to - p_from + 1 END
    FROM {schema}.leave_types t WHERE t.code = p_type
$$;
