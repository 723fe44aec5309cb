-- reaches: the function in force. `daftar migrate` re-applies this file
-- when it changes.
-- Assignment a reaches the calling officer through their membership of
-- p_dept (its roles, designation and section): what /v1/me/training and
-- /v1/me/summary list. An audience of pay levels is answered from the
-- roster (taken at the last sync: the caller's role may not read e-HRMS,
-- sql/state/hr/functions/pay_level_of.sql); every other from the
-- membership as it is now. Runs as the caller: the policies show their own
-- roster rows only.
CREATE OR REPLACE FUNCTION {schema}.reaches(a {schema}.assignments, p_dept text, p_roles text[], p_designation text,
                                            p_section text)
RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN a.audience = 'pay_level'
                THEN EXISTS (SELECT 1 FROM {schema}.assignees x
                             WHERE x.assignment = a.id AND x.dept = p_dept AND x.uid = current_setting('daftar.officer_uid'))
                ELSE {schema}.audience_matches(a.audience, a.audience_value, p_roles, p_designation, p_section, NULL) END
$$;
