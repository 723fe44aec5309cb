-- may_see_delegation: its delegator, its delegate and the department's
-- admins see a delegation.
CREATE OR REPLACE FUNCTION {schema}.may_see_delegation(d {schema}.delegations) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT d.delegator = {schema}.me() OR d.delegate = {schema}.me() OR {schema}.has_role('dept_admin')
$$;
