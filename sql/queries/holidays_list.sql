-- holidays_list: the request's department's holidays of a year.
SELECT coalesce(json_agg(json_build_object('day', h.day, 'name', h.name) ORDER BY h.day), '[]'::json)
FROM {schema}.holidays h
WHERE h.dept = current_setting('daftar.dept') AND extract(year FROM h.day) = $1::int
