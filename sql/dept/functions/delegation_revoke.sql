-- delegation_revoke: its delegator or a dept_admin ends a delegation, once;
-- decisions already taken under it stand.
CREATE OR REPLACE FUNCTION {schema}.delegation_revoke(p_id uuid) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    d {schema}.delegations;
BEGIN
    SELECT * INTO d FROM {schema}.delegations WHERE id = p_id FOR UPDATE;
    IF NOT FOUND OR NOT {schema}.may_see_delegation(d) THEN
        RAISE EXCEPTION 'No such delegation.' USING ERRCODE = 'DF404';
    END IF;
    IF d.delegator <> {schema}.me() AND NOT {schema}.has_role('dept_admin') THEN
        RAISE EXCEPTION 'Only the delegator or a dept_admin revokes a delegation.' USING ERRCODE = 'DF403';
    END IF;
    IF d.revoked_at IS NOT NULL THEN
        RAISE EXCEPTION 'The delegation is revoked already.' USING ERRCODE = 'DF409';
    END IF;
    UPDATE {schema}.delegations SET revoked_at = now(), revoked_by = {schema}.me() WHERE id = p_id RETURNING * INTO d;
    PERFORM {schema}.audit('delegation.revoke', p_id, json_build_object('delegate', d.delegate));
    RETURN {schema}.delegation_json(d);
END
$$;
