-- charges_list: acting charges of the department, open first: all of them for the head of office
-- and dept_admin, else those the caller holds or whose charge is held.
SELECT coalesce(json_agg({schema}.charge_json(c) ORDER BY c.ended_at IS NOT NULL, c.created_at DESC), '[]'::json)
FROM (SELECT * FROM {schema}.charges x
      WHERE {schema}.has_role('hoo') OR {schema}.has_role('dept_admin') OR {schema}.me() IN (x.holder, x.of_uid)
      ORDER BY x.ended_at IS NOT NULL, x.created_at DESC LIMIT 200) c
