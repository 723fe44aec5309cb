-- pendency: work waiting with officers — per officer the files held (open or
-- parked), how long the oldest has waited, how many are past their due date,
-- and the receipts they registered that are not yet in a file. An officer
-- sees their own line; a dept_admin the whole department. Only files and
-- receipts the caller may see are counted (a count is a disclosure too).
-- `officers` names each officer of the lines.
WITH held AS (
    SELECT f.holder, last.at AS since, last.due_date AS due
    FROM {schema}.files f
    CROSS JOIN LATERAL (SELECT m.at, m.due_date FROM {schema}.movements m
                        WHERE m.file_id = f.id ORDER BY m.seq DESC LIMIT 1) last
    WHERE f.status <> 'closed' AND {schema}.may_see(f)
      AND (f.holder = {schema}.me() OR {schema}.has_role('dept_admin'))),
files AS (
    SELECT holder, count(*) AS n, extract(epoch FROM now() - min(since))::bigint AS oldest,
           count(*) FILTER (WHERE due < (now() AT TIME ZONE 'Asia/Kolkata')::date) AS overdue
    FROM held GROUP BY holder),
receipts AS (
    SELECT x.registered_by AS holder, count(*) AS n, extract(epoch FROM now() - min(x.created_at))::bigint AS oldest
    FROM {schema}.receipts x
    WHERE x.file_id IS NULL AND {schema}.may_see_receipt(x)
      AND (x.registered_by = {schema}.me() OR {schema}.has_role('dept_admin'))
    GROUP BY x.registered_by)
SELECT json_build_object(
    'generated_at', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
    'scope', CASE WHEN {schema}.has_role('dept_admin') THEN 'department' ELSE 'self' END,
    'officers', {schema}.officers_json(array_agg(coalesce(f.holder, r.holder))),
    'items', coalesce(json_agg(json_build_object('officer', coalesce(f.holder, r.holder),
                                                 'files_held', coalesce(f.n, 0),
                                                 'oldest_waiting_seconds', coalesce(f.oldest, 0),
                                                 'overdue', coalesce(f.overdue, 0),
                                                 'receipts_waiting', coalesce(r.n, 0),
                                                 'oldest_receipt_waiting_seconds', coalesce(r.oldest, 0))
                               ORDER BY greatest(f.oldest, r.oldest) DESC, coalesce(f.holder, r.holder)), '[]'::json))
FROM files f FULL JOIN receipts r ON r.holder = f.holder
