-- dispatches_list: the dispatch register: one page of the dispatches the caller may see, newest first.
-- $1 number (part of the dispatch number), $2 issued on or after, $3 issued on or before (dates),
-- $4 addressee (part of a name, address, e-mail, department, section or designation), $5 subject (part of it;
-- Hindi too), $6 mode, $7 status (each '' = any), $8 cursor 'micros_uuid' of the last dispatch shown
-- ('' = first page), $9 limit. Text matches ignore case.
-- $10 updated_since ('' = none; RFC 3339, checked by dft_kit_query_time): only the dispatches changed after it
-- (issued, or their status: greatest(issued_at, status_at)), and `removed`: every dispatch changed after it that
-- no longer belongs in this list (its status moved out of `status`) and every one the caller issued that they
-- may no longer see; the same on every page. `synced_at` is daftar.sync_mark's.
-- plan: custom
WITH page AS (
    SELECT x AS dispatch, x.id, (extract(epoch FROM x.issued_at) * 1000000)::bigint AS micros,
           greatest(x.issued_at, x.status_at) AS changed
    FROM {schema}.dispatches x
    WHERE {schema}.may_see_dispatch(x)
      AND ($1 = '' OR strpos(lower(x.dispatch_number), lower($1)) > 0)
      AND ($2 = '' OR x.issued_on >= $2::date)
      AND ($3 = '' OR x.issued_on <= $3::date)
      AND ($4 = '' OR strpos(lower(concat_ws(' ', x.addressee ->> 'name', x.addressee ->> 'address', x.addressee ->> 'email',
                                             x.addressee ->> 'department', x.addressee ->> 'section',
                                             x.addressee ->> 'designation')), lower($4)) > 0)
      AND ($5 = '' OR strpos(lower(x.subject), lower($5)) > 0)
      AND ($6 = '' OR x.mode = $6)
      AND ($7 = '' OR {schema}.dispatch_state(x) = $7)
      AND ($10 = '' OR greatest(x.issued_at, x.status_at) > $10::timestamptz)
      AND ($8 = '' OR ((extract(epoch FROM x.issued_at) * 1000000)::bigint, x.id)
                      < (split_part($8, '_', 1)::bigint, split_part($8, '_', 2)::uuid))
    ORDER BY x.issued_at DESC, x.id DESC
    LIMIT $9::int + 1),
shown AS (SELECT * FROM page ORDER BY micros DESC, id DESC LIMIT $9::int),
listed AS (SELECT json_build_object(
    'items', coalesce((SELECT json_agg({schema}.dispatch_json(s.dispatch) ORDER BY s.micros DESC, s.id DESC) FROM shown s),
                      '[]'::json),
    'next_cursor', CASE WHEN (SELECT count(*) FROM page) > $9::int
                        THEN (SELECT s.micros || '_' || s.id FROM shown s ORDER BY s.micros, s.id LIMIT 1) END,
    'synced_at', daftar.sync_mark((SELECT max(s.changed) FROM shown s), $10)) AS page)
SELECT CASE WHEN $10 = '' THEN l.page ELSE (l.page::jsonb || jsonb_build_object('removed', coalesce(
    (SELECT jsonb_agg(x.id ORDER BY x.id) FROM {schema}.dispatches x
     WHERE greatest(x.issued_at, x.status_at) > $10::timestamptz
       AND CASE WHEN {schema}.may_see_dispatch(x) THEN NOT (
                     ($1 = '' OR strpos(lower(x.dispatch_number), lower($1)) > 0)
                     AND ($2 = '' OR x.issued_on >= $2::date) AND ($3 = '' OR x.issued_on <= $3::date)
                     AND ($4 = '' OR strpos(lower(concat_ws(' ', x.addressee ->> 'name', x.addressee ->> 'address',
                                                            x.addressee ->> 'email', x.addressee ->> 'department',
                                                            x.addressee ->> 'section', x.addressee ->> 'designation')),
                                            lower($4)) > 0)
                     AND ($5 = '' OR strpos(lower(x.subject), lower($5)) > 0)
                     AND ($6 = '' OR x.mode = $6) AND ($7 = '' OR {schema}.dispatch_state(x) = $7))
                ELSE x.issued_by = {schema}.me() END), '[]'::jsonb)))::json END
FROM listed l
