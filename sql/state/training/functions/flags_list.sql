-- flags_list: the function in force. `daftar migrate` re-applies this file
-- when it changes.
-- The nodal officer of the request's department reads the anomaly flags of
-- its officers, newest first, p_limit after flag p_before (0: from the
-- newest). Runs as the caller: the policies reach the department's members.
CREATE OR REPLACE FUNCTION {schema}.flags_list(p_limit integer, p_before bigint) RETURNS json
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v json;
BEGIN
    IF NOT {schema}.nodal() THEN
        RAISE EXCEPTION 'Only the department''s training nodal officer reads its flags.' USING ERRCODE = 'DF403', HINT = 'needs-training-nodal';
    END IF;
    WITH page AS (SELECT f FROM {schema}.flags f
                  WHERE (p_before = 0 OR f.id < p_before) AND {schema}.nodal_of(f.uid)
                  ORDER BY f.id DESC LIMIT p_limit)
    SELECT json_build_object('items', coalesce(json_agg({schema}.flag_json(p.f) ORDER BY (p.f).id DESC), '[]'::json),
                             'next_cursor', CASE WHEN count(*) = p_limit THEN min((p.f).id)::text END)
    INTO v FROM page p;
    RETURN v;
END
$$;
