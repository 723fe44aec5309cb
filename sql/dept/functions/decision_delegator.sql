-- decision_delegator: whose power to decide the caller holds by a
-- delegation in force (the earliest given), or NULL.
CREATE OR REPLACE FUNCTION {schema}.decision_delegator() RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT d.delegator FROM {schema}.delegations d
    WHERE d.delegate = {schema}.me() AND d.valid_until >= (now() AT TIME ZONE 'Asia/Kolkata')::date
      AND {schema}.delegation_lends(d)
    ORDER BY d.created_at LIMIT 1
$$;
