-- pendency_overdue: files past their due date (overdue_since, set by the
-- file_due timer), grouped by the officer holding them, with days overdue;
-- an officer sees their own, a dept_admin the whole department, and only
-- files the caller may see.
WITH od AS (
    SELECT f.holder, f.id, f.file_number, f.subject, f.overdue_since,
           (SELECT m.due_date FROM {schema}.movements m WHERE m.file_id = f.id ORDER BY m.seq DESC LIMIT 1) AS due_date
    FROM {schema}.files f
    WHERE f.overdue_since IS NOT NULL AND f.status <> 'closed' AND {schema}.may_see(f)
      AND (f.holder = {schema}.me() OR {schema}.has_role('dept_admin')))
SELECT json_build_object(
    'generated_at', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
    'scope', CASE WHEN {schema}.has_role('dept_admin') THEN 'department' ELSE 'self' END,
    'officers', {schema}.officers_json(ARRAY(SELECT DISTINCT holder FROM od)),
    'items', coalesce((SELECT json_agg(json_build_object('officer', g.holder, 'overdue', g.n, 'files', g.files)
                                       ORDER BY g.n DESC, g.holder)
                       FROM (SELECT holder, count(*) AS n,
                                    json_agg(json_build_object(
                                        'id', id, 'file_number', file_number, 'subject', subject, 'due_date', due_date,
                                        'overdue_since', to_char(overdue_since AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                                        'days_overdue', greatest(1, ceil(extract(epoch FROM now() - overdue_since) / 86400))::int)
                                        ORDER BY overdue_since) AS files
                             FROM od GROUP BY holder) g), '[]'::json))
