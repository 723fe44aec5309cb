-- superannuation: the function in force. `daftar migrate` re-applies this
-- file when it changes.
-- The date an officer born on p_dob retires: the last day of the month in
-- which they reach the superannuation age (settings; 60 by default), or of
-- the month before when the birthday is the 1st (FR 56: one born on the
-- 1st reaches the age on the last day of the previous month).
CREATE OR REPLACE FUNCTION {schema}.superannuation(p_dob date) RETURNS date
LANGUAGE sql STABLE AS $$
    SELECT (date_trunc('month', p_dob + make_interval(years => s.value::int))
            + CASE WHEN extract(day FROM p_dob) = 1 THEN interval '0' ELSE interval '1 month' END
            - interval '1 day')::date
    FROM {schema}.settings s WHERE s.name = 'superannuation_age'
$$;
