-- apar_dashboard: the custodian's view of a cycle: every form's stage, its date and days late, and
-- per authority (at each level) how many forms wait with it now and the most days late of them, how many
-- dates it missed (the form moved on without its report: the stage log); never content (the
-- policies: cycles, forms and stage log of the custodian's department).
SELECT json_build_object(
    'cycle', c.id, 'year', c.year,
    'stages', (SELECT coalesce(json_object_agg(x.stage, x.n), '{}') FROM (SELECT f.stage, count(*) AS n
               FROM {schema}.forms f WHERE f.cycle = c.id GROUP BY f.stage) x),
    'forms', coalesce((SELECT json_agg({schema}.form_json(f) ORDER BY f.uid) FROM {schema}.forms f WHERE f.cycle = c.id), '[]'),
    'late_by_authority', coalesce((SELECT json_agg(json_build_object('authority', a.who, 'level', a.stage,
                                                                      'waiting', a.waiting, 'most_days_late', a.late,
                                                                      'missed', a.missed, 'days_late_missed', a.late_missed)
                                                   ORDER BY a.missed DESC, a.late DESC, a.who, a.stage)
                                   FROM (SELECT x.who, x.stage, sum(x.waiting)::int AS waiting, max(x.late)::int AS late,
                                                sum(x.missed)::int AS missed, sum(x.late_missed)::int AS late_missed
                                         FROM (SELECT {schema}.turn_of(f) AS who, f.stage, 1 AS waiting,
                                                      greatest(0, coalesce(extract(day FROM now() - f.stage_due), 0)) AS late,
                                                      0 AS missed, 0 AS late_missed
                                               FROM {schema}.forms f
                                               WHERE f.cycle = c.id AND {schema}.turn_of(f) IS NOT NULL
                                               UNION ALL
                                               SELECT s.authority, s.from_stage, 0, 0, 1, s.days_late
                                               FROM {schema}.stages s JOIN {schema}.forms f ON f.id = s.form
                                               WHERE f.cycle = c.id AND s.missed AND s.authority IS NOT NULL) x
                                         GROUP BY x.who, x.stage) a), '[]'))
FROM {schema}.cycles c WHERE c.id = $1::uuid AND c.dept = current_setting('daftar.dept')
