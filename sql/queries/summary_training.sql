-- summary_training: the caller's mandatory courses not completed (GET /v1/me/summary; the
-- assignments of /v1/me/training whose status is not completed) and how many are overdue.
WITH due AS (
    SELECT DISTINCT ON (a.id) a
    FROM {schema}.assignments a
    JOIN daftar.state_members m ON m.uid = current_setting('daftar.officer_uid') AND (a.dept IS NULL OR a.dept = m.dept)
    WHERE {schema}.reaches(a, m.dept, m.roles, m.designation, m.section)
    ORDER BY a.id),
open AS (
    SELECT (d.a).deadline
    FROM due d
    WHERE {schema}.progress_status(current_setting('daftar.officer_uid'), (d.a).course, (d.a).deadline) <> 'completed')
SELECT json_build_object('training_due', count(*),
                         'training_overdue', count(*) FILTER (WHERE deadline < (now() AT TIME ZONE 'Asia/Kolkata')::date))
FROM open
