-- may_see_form: the function in force. `daftar migrate` re-applies this file
-- when it changes.
-- Who sees that form f exists, its stage and dates (not its content): the
-- officer, the authorities of its chain, the custodian of its department.
CREATE OR REPLACE FUNCTION {schema}.may_see_form(f {schema}.forms) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT {schema}.my_level(f) IS NOT NULL OR {schema}.custodian_of(f.dept)
$$;
