-- delegation_json: a delegation as the API shows it; `active` says whether
-- it lends the power to decide today.
CREATE OR REPLACE FUNCTION {schema}.delegation_json(d {schema}.delegations) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object('id', d.id, 'delegator', d.delegator, 'delegate', d.delegate,
                             'valid_from', d.valid_from, 'valid_until', d.valid_until, 'reason', d.reason,
                             'active', {schema}.delegation_lends(d),
                             'created_at', to_char(d.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                             'revoked_at', to_char(d.revoked_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                             'revoked_by', d.revoked_by)
$$;
