-- compliance_counts: the function in force. `daftar migrate` re-applies
-- this file when it changes.
-- Numbers of assignment a's roster in department p_dept: assigned,
-- completed, in progress, not started, overdue (not completed and past the
-- deadline, or marked by its timer), the per cent completed and whether
-- the target is met. Numbers only: run by the caller (the policies give a
-- nodal officer their department's rows) or by compliance_state for
-- everyone else.
CREATE OR REPLACE FUNCTION {schema}.compliance_counts(a {schema}.assignments, p_dept text) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'dept', p_dept, 'assigned', count(*),
        'completed', count(*) FILTER (WHERE s.status = 'completed'),
        'in_progress', count(*) FILTER (WHERE s.status = 'in_progress'),
        'not_started', count(*) FILTER (WHERE s.status = 'not_started'),
        'overdue', count(*) FILTER (WHERE s.status <> 'completed'
                                    AND (x.overdue OR a.deadline < (now() AT TIME ZONE 'Asia/Kolkata')::date)),
        'completion_pct', CASE WHEN count(*) > 0
                               THEN round(100.0 * count(*) FILTER (WHERE s.status = 'completed') / count(*), 1) END,
        'target', a.target,
        'met', count(*) > 0 AND 100.0 * count(*) FILTER (WHERE s.status = 'completed') / count(*) >= a.target)
    FROM {schema}.assignees x
    CROSS JOIN LATERAL (SELECT {schema}.progress_status(x.uid, a.course, a.deadline) AS status) s
    WHERE x.assignment = a.id AND x.dept = p_dept
$$;
