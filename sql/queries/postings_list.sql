-- postings_list: posting orders from or to the request's department, not yet carried out first,
-- then the last 100 (the policies: its establishment).
SELECT coalesce(json_agg({schema}.posting_json(p) ORDER BY p.status NOT IN ('ordered', 'relieved'), p.ordered_at DESC), '[]'::json)
FROM (SELECT * FROM {schema}.postings x WHERE current_setting('daftar.dept') IN (x.from_dept, x.to_dept)
      ORDER BY x.status NOT IN ('ordered', 'relieved'), x.ordered_at DESC LIMIT 100) p
