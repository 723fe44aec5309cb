-- compliance_state: the function in force. `daftar migrate` re-applies
-- this file when it changes.
-- Numbers only, for every department with a roster of assignment p_id:
-- for training_admin (the state) and any training nodal officer (other
-- departments). Never who: the rosters and progress of other departments
-- stay behind their policies, and this function (SECURITY DEFINER) returns
-- counts alone.
CREATE OR REPLACE FUNCTION {schema}.compliance_state(p_id uuid) RETURNS json
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    a {schema}.assignments;
BEGIN
    IF NOT ({schema}.administers()
            OR EXISTS (SELECT FROM daftar.state_members m WHERE m.uid = current_setting('daftar.officer_uid')
                       AND 'training_nodal' = ANY (m.roles))) THEN
        RAISE EXCEPTION 'Compliance numbers are for the state''s training administrators and nodal officers.'
            USING ERRCODE = 'DF403', HINT = 'needs-training-admin';
    END IF;
    SELECT * INTO a FROM {schema}.assignments x WHERE x.id = p_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'No such assignment.' USING ERRCODE = 'DF404';
    END IF;
    RETURN json_build_object(
        'assignment', {schema}.assignment_json(a),
        'departments', coalesce((SELECT json_agg({schema}.compliance_counts(a, d.dept) ORDER BY d.dept)
                                 FROM (SELECT DISTINCT x.dept FROM {schema}.assignees x WHERE x.assignment = a.id) d),
                                '[]'::json));
END
$$;
