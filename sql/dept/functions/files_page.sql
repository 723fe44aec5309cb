-- files_page: a page of a files list as the API returns it, from the files found for it in order, one
-- more than p_limit when there is a next page: `items`, each file as file_json shows it, and
-- `next_cursor` ('micros_uuid' of the last file shown; NULL on the last page). The page's officers are
-- read once (officers_json) and each file is given its own of them (file_json_with): one lookup a page
-- instead of one a file (issue 25). files_list and files_inbox end in it. Its plans are generic
-- whatever the calling statement asked for (officers_json.sql says why).
-- An item the caller holds, or holds for an officer whose acting charge is theirs, carries `received`
-- (issue 26): the movement that brought the file to its holder (who, on whose behalf, what, when, the
-- remarks, the due date) and whether the holder has opened it since (file_opens); read for the whole
-- page in one join, not once a file; the sender is in the `officers` map. Other items carry none:
-- another officer's reading is not the caller's to see. A file handed over (issue 27) came by its
-- 'handover' line: from the section officer who ordered it, on behalf of the officer who left.
-- `synced_at` (issue 26, delta sync): what the client passes as `updated_since` next: the newest change
-- shown less the longest a writing transaction can take (statement_timeout, and a second): a change not
-- yet committed when this was read began after it, so the next delta has it (and repeats the last
-- few seconds' changes: apply by id). From the files shown, not the clock, so an unchanged list keeps
-- its body and its ETag (304). The epoch when nothing is shown.
CREATE OR REPLACE FUNCTION {schema}.files_page(p_found {schema}.files[], p_limit integer) RETURNS json
LANGUAGE plpgsql STABLE SET plan_cache_mode = force_generic_plan AS $$
DECLARE
    v_shown {schema}.files[] := p_found[1:p_limit];
    v_last {schema}.files := p_found[p_limit];
    v_received jsonb;
    v_people json;
BEGIN
    SELECT jsonb_object_agg(f.id, jsonb_build_object(
               'from', m.from_uid, 'on_behalf_of', m.on_behalf_of, 'action', m.action,
               'at', to_char(m.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
               'remarks', m.remarks, 'due_date', m.due_date, 'opened', o.seq IS NOT NULL,
               'opened_at', to_char(o.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')))
    INTO v_received
    FROM unnest(v_shown) f
    CROSS JOIN LATERAL (SELECT * FROM {schema}.movements mv
                        WHERE mv.file_id = f.id AND mv.to_uid = f.holder
                          AND mv.action IN ('create', 'forward', 'return', 'recall', 'reopen', 'handover')
                        ORDER BY mv.seq DESC LIMIT 1) m
    LEFT JOIN {schema}.file_opens o ON o.file_id = f.id AND o.uid = f.holder AND o.seq >= m.seq
    WHERE {schema}.acts_for(f.holder);
    v_people := {schema}.officers_json(ARRAY(SELECT u FROM unnest(v_shown) f,
                                                  unnest(ARRAY[f.created_by, f.holder, f.decided_by,
                                                               v_received -> f.id::text ->> 'from',
                                                               v_received -> f.id::text ->> 'on_behalf_of']) u));
    RETURN json_build_object(
        'items', coalesce((SELECT json_agg(CASE WHEN r.got IS NULL THEN r.item
                                                ELSE (r.item::jsonb || jsonb_build_object('received', r.got))::json END
                                           ORDER BY r.i)
                           FROM (SELECT i, v_received -> (v_shown[i]).id::text AS got,
                                        {schema}.file_json_with(v_shown[i], (
                                            SELECT coalesce(json_object_agg(e.key, e.value), '{}'::json)
                                            FROM json_each(v_people) e
                                            WHERE e.key IN ((v_shown[i]).created_by, (v_shown[i]).holder,
                                                            (v_shown[i]).decided_by,
                                                            v_received -> (v_shown[i]).id::text ->> 'from',
                                                            v_received -> (v_shown[i]).id::text ->> 'on_behalf_of')))
                                            AS item
                                 FROM generate_subscripts(v_shown, 1) i) r), '[]'::json),
        'synced_at', to_char(coalesce((SELECT max(f.updated_at) FROM unnest(v_shown) f)
                                      - current_setting('statement_timeout')::interval - interval '1 second',
                                      'epoch'::timestamptz) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        'next_cursor', CASE WHEN cardinality(p_found) > p_limit
                            THEN (extract(epoch FROM v_last.updated_at) * 1000000)::bigint || '_' || v_last.id END);
END
$$;
