-- filing_head_json: a head or sub-head of the filing scheme as the API shows it.
CREATE OR REPLACE FUNCTION {schema}.filing_head_json(h {schema}.filing_heads) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object('id', h.id, 'parent_id', h.parent_id, 'code', h.code,
                             'path', coalesce((SELECT p.code || '/' FROM {schema}.filing_heads p WHERE p.id = h.parent_id), '')
                                     || h.code,
                             'name', h.name, 'name_hi', h.name_hi, 'retention', h.retention,
                             'retention_years', h.retention_years, 'active', h.active, 'created_by', h.created_by,
                             'created_at', to_char(h.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                             'updated_at', to_char(h.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                             'version', h.version)
$$;
