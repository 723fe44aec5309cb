-- dak_incoming: for the registry (dak_diarist), one page of the letters
-- other departments sent to this one, newest first: p_status waiting (not
-- acknowledged), acknowledged, or '' (both); p_cursor 'micros_uuid' of the
-- last one shown ('' = first page).
CREATE OR REPLACE FUNCTION {schema}.dak_incoming(p_status text, p_cursor text, p_limit integer) RETURNS json
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_code text := (SELECT k.code FROM daftar.dept_key k);
BEGIN
    PERFORM {schema}.dak_diarist();
    RETURN (
        WITH page AS (
            SELECT e, e.id, (extract(epoch FROM e.sent_at) * 1000000)::bigint AS micros
            FROM daftar.dak_exchange e
            WHERE e.recipient = v_code
              AND (p_status = '' OR (e.acknowledged_at IS NULL) = (p_status = 'waiting'))
              AND (p_cursor = '' OR ((extract(epoch FROM e.sent_at) * 1000000)::bigint, e.id)
                                    < (split_part(p_cursor, '_', 1)::bigint, split_part(p_cursor, '_', 2)::uuid))
            ORDER BY e.sent_at DESC, e.id DESC
            LIMIT p_limit + 1),
        shown AS (SELECT * FROM page ORDER BY micros DESC, id DESC LIMIT p_limit)
        SELECT json_build_object(
            'items', coalesce((SELECT json_agg({schema}.dak_json(s.e) ORDER BY s.micros DESC, s.id DESC) FROM shown s),
                              '[]'::json),
            'next_cursor', CASE WHEN (SELECT count(*) FROM page) > p_limit
                                THEN (SELECT s.micros || '_' || s.id FROM shown s ORDER BY s.micros, s.id LIMIT 1) END));
END
$$;
