-- book_list: an officer's service book and the objections to it, for the
-- officer, or the establishment or head of office of the request's
-- department they belong to; no row for anyone else (404). The policies
-- (state_hr functions/service_book_policies.sql) filter the same.
SELECT json_build_object(
    'uid', $1::text,
    'entries', coalesce((SELECT json_agg({schema}.entry_json(b) ORDER BY b.n) FROM {schema}.service_book b
                         WHERE b.uid = $1), '[]'::json),
    'objections', coalesce((SELECT json_agg({schema}.objection_json(o) ORDER BY o.id) FROM {schema}.objections o
                            WHERE o.uid = $1), '[]'::json))
WHERE $1 = current_setting('daftar.officer_uid') OR {schema}.in_charge($1, 'establishment') OR {schema}.in_charge($1, 'hoo')
