-- apar_form_reads: who read a form's content, when, from where, which levels (the custodian of its
-- department; the policies filter the same). No row: 404.
SELECT coalesce((SELECT json_agg(json_build_object('by', r.by_uid, 'at', r.at, 'client_addr', r.client_addr,
                                                   'levels', r.levels) ORDER BY r.id)
                 FROM {schema}.reads r WHERE r.form = f.id), '[]'::json)
FROM {schema}.forms f WHERE f.id = $1::uuid AND {schema}.custodian_of(f.dept)
