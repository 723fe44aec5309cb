-- files_page: a page of a files list as the API returns it, from the files found for it in order, one
-- more than p_limit when there is a next page: `items`, each file as file_json shows it, and
-- `next_cursor` ('micros_uuid' of the last file shown; NULL on the last page). The page's officers are
-- read once (officers_json) and each file is given its own of them (file_json_with): one lookup a page
-- instead of one a file (issue 25). files_list and files_inbox end in it. Its plans are generic
-- whatever the calling statement asked for (officers_json.sql says why).
CREATE OR REPLACE FUNCTION {schema}.files_page(p_found {schema}.files[], p_limit integer) RETURNS json
LANGUAGE plpgsql STABLE SET plan_cache_mode = force_generic_plan AS $$
DECLARE
    v_shown {schema}.files[] := p_found[1:p_limit];
    v_last {schema}.files := p_found[p_limit];
    v_people json := {schema}.officers_json(ARRAY(SELECT u FROM unnest(v_shown) f,
                                                      unnest(ARRAY[f.created_by, f.holder, f.decided_by]) u));
BEGIN
    RETURN json_build_object(
        'items', coalesce((SELECT json_agg({schema}.file_json_with(v_shown[i], (
                                      SELECT coalesce(json_object_agg(e.key, e.value), '{}'::json) FROM json_each(v_people) e
                                      WHERE e.key IN ((v_shown[i]).created_by, (v_shown[i]).holder, (v_shown[i]).decided_by)))
                                  ORDER BY i)
                           FROM generate_subscripts(v_shown, 1) i), '[]'::json),
        'next_cursor', CASE WHEN cardinality(p_found) > p_limit
                            THEN (extract(epoch FROM v_last.updated_at) * 1000000)::bigint || '_' || v_last.id END);
END
$$;
