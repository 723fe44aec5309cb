-- delegation_lends: the delegation lends the power to decide today (India
-- time): not revoked, within its dates, and its delegator still holds the
-- approving role.
CREATE OR REPLACE FUNCTION {schema}.delegation_lends(d {schema}.delegations) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT d.revoked_at IS NULL
           AND (now() AT TIME ZONE 'Asia/Kolkata')::date BETWEEN d.valid_from AND d.valid_until
           AND {schema}.approves(d.delegator)
$$;
