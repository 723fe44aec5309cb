-- weedings_list: the department's weeding records, newest first (at most 100), and the whole chain verified
-- (weedings_verify: 403 for anyone but records officers and dept_admins).
SELECT json_build_object('chain', {schema}.weedings_verify(),
                         'items', coalesce(json_agg({schema}.weeding_json(w) ORDER BY w.seq DESC), '[]'::json))
FROM (SELECT * FROM {schema}.weedings ORDER BY seq DESC LIMIT 100) w
