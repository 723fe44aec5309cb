-- pendency: files waiting with officers — per officer the files held (open or
-- parked), how long the oldest has waited, and how many are past their due
-- date. An officer sees their own line; a dept_admin the whole department.
-- Only files the caller may see are counted (a count is a disclosure too).
WITH held AS (
    SELECT f.holder, last.at AS since, last.due_date AS due
    FROM {schema}.files f
    CROSS JOIN LATERAL (SELECT m.at, m.due_date FROM {schema}.movements m
                        WHERE m.file_id = f.id ORDER BY m.seq DESC LIMIT 1) last
    WHERE f.status <> 'closed' AND {schema}.may_see(f)
      AND (f.holder = {schema}.me() OR {schema}.has_role('dept_admin')))
SELECT json_build_object(
    'generated_at', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
    'scope', CASE WHEN {schema}.has_role('dept_admin') THEN 'department' ELSE 'self' END,
    'items', coalesce(json_agg(json_build_object('officer', x.holder, 'files_held', x.n,
                                                 'oldest_waiting_seconds', x.oldest, 'overdue', x.overdue)
                               ORDER BY x.oldest DESC, x.holder), '[]'::json))
FROM (SELECT holder, count(*) AS n, extract(epoch FROM now() - min(since))::bigint AS oldest,
             count(*) FILTER (WHERE due < (now() AT TIME ZONE 'Asia/Kolkata')::date) AS overdue
      FROM held GROUP BY holder) x
