-- may_decide: the caller may decide (approve, reject) in this department:
-- they hold the approving role, section_officer or dept_admin, or a
-- delegation of it in force (security review item 6).
CREATE OR REPLACE FUNCTION {schema}.may_decide() RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT {schema}.has_role('section_officer') OR {schema}.has_role('dept_admin')
           OR {schema}.decision_delegator() IS NOT NULL
$$;
