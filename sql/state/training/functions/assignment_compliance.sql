-- assignment_compliance: the function in force. `daftar migrate` re-applies
-- this file when it changes.
-- The nodal officer of the request's department reads assignment p_id's
-- compliance there: the numbers and, for them alone, who (UID, designation,
-- section) stands where. Runs as the caller: the policies give the nodal
-- officer the department's roster and progress, nothing else.
CREATE OR REPLACE FUNCTION {schema}.assignment_compliance(p_id uuid) RETURNS json
LANGUAGE plpgsql STABLE AS $$
DECLARE
    a {schema}.assignments;
    v_dept text := current_setting('daftar.dept');
BEGIN
    SELECT * INTO a FROM {schema}.assignments x WHERE x.id = p_id AND (x.dept IS NULL OR x.dept = v_dept);
    IF NOT FOUND OR v_dept = '' THEN
        RAISE EXCEPTION 'No such assignment in this department.' USING ERRCODE = 'DF404';
    END IF;
    IF NOT {schema}.nodal() THEN
        RAISE EXCEPTION 'Only the department''s training nodal officer reads who stands where; numbers: '
                        'GET /v1/training/assignments/{id}/compliance.' USING ERRCODE = 'DF403', HINT = 'needs-training-nodal';
    END IF;
    RETURN ({schema}.compliance_counts(a, v_dept)::jsonb || jsonb_build_object(
        'assignment', {schema}.assignment_json(a),
        'officers', coalesce((
            SELECT jsonb_agg(jsonb_build_object('uid', x.uid, 'designation', m.designation, 'section', m.section,
                                                'status', s.status, 'overdue', s.status <> 'completed'
                                                    AND (x.overdue OR a.deadline < (now() AT TIME ZONE 'Asia/Kolkata')::date),
                                                'marked_overdue', x.overdue)
                             ORDER BY s.status, x.uid)
            FROM {schema}.assignees x
            LEFT JOIN daftar.state_members m ON m.uid = x.uid AND m.dept = v_dept
            CROSS JOIN LATERAL (SELECT {schema}.progress_status(x.uid, a.course, a.deadline) AS status) s
            WHERE x.assignment = a.id AND x.dept = v_dept), '[]')))::json;
END
$$;
