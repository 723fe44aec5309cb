-- file_visible: may_see_file_of for row-level policies (department 0027,
-- 0028). plpgsql, so a policy does not depend on may_see_file_of itself
-- and that function can still be dropped and made again by a migration
-- replay (tests/api/test_tenancy.py) without taking the policies with it.
CREATE OR REPLACE FUNCTION {schema}.file_visible(p_file uuid) RETURNS boolean
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN {schema}.may_see_file_of(p_file);
END
$$;
