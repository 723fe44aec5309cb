-- cycle_forms_add: the function in force. `daftar migrate` re-applies this
-- file when it changes.
-- The custodian of cycle p_cycle's department opens forms for the members
-- who joined after the cycle opened (the completeness report lists them
-- under without_form); nothing for those who have one. Returns how many,
-- and the new forms (stage and dates) to map.
CREATE OR REPLACE FUNCTION {schema}.cycle_forms_add(p_cycle uuid) RETURNS json
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    c {schema}.cycles;
    v_ids uuid[];
BEGIN
    SELECT * INTO c FROM {schema}.cycles x WHERE x.id = p_cycle FOR UPDATE;
    IF NOT FOUND OR NOT {schema}.custodian_of(c.dept) THEN
        RAISE EXCEPTION 'No such APAR cycle.' USING ERRCODE = 'DF404';
    END IF;
    v_ids := {schema}.cycle_members_add(c);
    PERFORM {schema}.audit_append('apar.cycle.forms', c.id::text, jsonb_build_object('forms', cardinality(v_ids)));
    RETURN json_build_object('cycle', c.id, 'added', cardinality(v_ids),
                             'forms', coalesce((SELECT json_agg({schema}.form_json(f) ORDER BY f.uid)
                                                FROM {schema}.forms f WHERE f.id = ANY (v_ids)), '[]'::json));
END
$$;
