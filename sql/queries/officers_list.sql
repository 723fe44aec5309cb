-- officers_list: officers with a membership in department $1, for its
-- dept_admin or hr_admin (the caller's own membership is checked here too).
-- $2 cursor (uid after which to start, '' = start), $3 limit
SELECT json_build_object(
    'items', coalesce(json_agg(json_build_object('uid', p.uid, 'name', p.name, 'designation', p.designation,
                                                 'roles', p.roles, 'status', p.status) ORDER BY p.uid)
                      FILTER (WHERE p.n <= $3::int), '[]'::json),
    'next_cursor', CASE WHEN count(*) > $3::int THEN max(p.uid) FILTER (WHERE p.n <= $3::int) END)
FROM (SELECT o.uid, o.name, m.designation, m.roles, o.status, row_number() OVER (ORDER BY o.uid) AS n
      FROM daftar.memberships m JOIN daftar.officers o USING (uid)
      WHERE m.dept = $1 AND o.uid > $2
        AND EXISTS (SELECT 1 FROM daftar.memberships a
                    WHERE a.uid = current_setting('daftar.officer_uid') AND a.dept = $1
                      AND a.roles && ARRAY['dept_admin', 'hr_admin'])
      ORDER BY o.uid
      LIMIT $3::int + 1) p
