-- cycle_members_add: the function in force. `daftar migrate` re-applies
-- this file when it changes.
-- Opens a form in cycle c for every active member of its department who
-- has none (all of them when the cycle opens; later, those who joined
-- since: the completeness report's without_form), each at self-appraisal
-- with its timer; the custodian maps their chains and periods after.
-- Returns the new forms' ids. Callers check the custodian.
CREATE OR REPLACE FUNCTION {schema}.cycle_members_add(c {schema}.cycles) RETURNS uuid[]
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_ids uuid[];
BEGIN
    WITH n AS (INSERT INTO {schema}.forms (cycle, dept, uid, period_from, period_to)
               SELECT c.id, c.dept, m.uid, c.period_from, c.period_to
               FROM daftar.memberships m JOIN daftar.officers o ON o.uid = m.uid
               WHERE m.dept = c.dept AND o.status = 'active'
               ON CONFLICT (cycle, uid) DO NOTHING
               RETURNING id)
    SELECT coalesce(array_agg(id), '{}') INTO v_ids FROM n;
    PERFORM {schema}.form_stage(id, 'self') FROM unnest(v_ids) id;
    RETURN v_ids;
END
$$;
