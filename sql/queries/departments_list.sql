-- departments_list: public metadata of departments in code order, one page.
-- $1 cursor: the last code of the previous page ('' = first page)
-- $2 limit: 1..100
SELECT json_build_object(
    'items', coalesce(json_agg(json_build_object('code', p.code, 'name', p.name, 'name_hi', p.name_hi, 'status', p.status)
                               ORDER BY p.code) FILTER (WHERE p.n <= $2::int), '[]'::json),
    'next_cursor', CASE WHEN count(*) > $2::int THEN max(p.code) FILTER (WHERE p.n <= $2::int) END)
FROM (SELECT code, name, name_hi, status, row_number() OVER (ORDER BY code) AS n
      FROM daftar.departments
      WHERE code > $1::text
      ORDER BY code
      LIMIT $2::int + 1) p
