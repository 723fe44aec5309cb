-- apar_dashboard: the custodian's view of a cycle: every form's stage, its date and days late, and
-- per authority how many forms wait with it and the most days late; never content (the policies:
-- cycles and forms of the custodian's department).
SELECT json_build_object(
    'cycle', c.id, 'year', c.year,
    'stages', (SELECT coalesce(json_object_agg(x.stage, x.n), '{}') FROM (SELECT f.stage, count(*) AS n
               FROM {schema}.forms f WHERE f.cycle = c.id GROUP BY f.stage) x),
    'forms', coalesce((SELECT json_agg({schema}.form_json(f) ORDER BY f.uid) FROM {schema}.forms f WHERE f.cycle = c.id), '[]'),
    'late_by_authority', coalesce((SELECT json_agg(json_build_object('authority', a.who, 'level', a.stage, 'forms', a.n,
                                                                      'most_days_late', a.late) ORDER BY a.late DESC, a.who)
                                   FROM (SELECT CASE f.stage WHEN 'self' THEN f.uid WHEN 'reporting' THEN f.reporting
                                                             WHEN 'reviewing' THEN f.reviewing ELSE f.accepting END AS who,
                                                f.stage, count(*) AS n,
                                                max(extract(day FROM now() - f.stage_due))::int AS late
                                         FROM {schema}.forms f
                                         WHERE f.cycle = c.id AND f.stage_due < now()
                                           AND f.stage IN ('self', 'reporting', 'reviewing', 'accepting', 'decision')
                                         GROUP BY 1, 2) a), '[]'))
FROM {schema}.cycles c WHERE c.id = $1::uuid AND c.dept = current_setting('daftar.dept')
