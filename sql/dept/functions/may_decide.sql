-- may_decide: the caller holds the approving role in this department:
-- section_officer or dept_admin (security review item 6). Delegation of the
-- power to decide is not built yet.
CREATE OR REPLACE FUNCTION {schema}.may_decide() RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT {schema}.has_role('section_officer') OR {schema}.has_role('dept_admin')
$$;
