-- directory: the active officers of department $1 whose name or designation contains
-- $2 (any case, compared in Unicode NFC so Hindi typed either way matches) or whose
-- section is $2; '' = all. For any member of the department (checked here), and
-- only what a forward picker needs: UID, name, designation, section. $3 limit.
-- plan: custom
SELECT json_build_object('items', coalesce(json_agg(json_build_object('uid', d.uid, 'name', d.name,
                                                                      'designation', d.designation,
                                                                      'section', d.section) ORDER BY d.name, d.uid),
                                           '[]'::json))
FROM (SELECT o.uid, o.name, m.designation, m.section
      FROM daftar.memberships m JOIN daftar.officers o USING (uid)
      WHERE m.dept = $1 AND o.status = 'active'
        AND ($2 = ''
             OR strpos(normalize(lower(o.name), NFC), normalize(lower($2), NFC)) > 0
             OR strpos(normalize(lower(m.designation), NFC), normalize(lower($2), NFC)) > 0
             OR m.section = upper($2))
        AND EXISTS (SELECT 1 FROM daftar.memberships a
                    WHERE a.uid = current_setting('daftar.officer_uid') AND a.dept = $1)
      ORDER BY o.name, o.uid
      LIMIT $3::int) d
