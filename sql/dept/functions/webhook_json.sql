-- webhook_json: an endpoint as the API shows it (never its secret).
CREATE OR REPLACE FUNCTION {schema}.webhook_json(w {schema}.webhooks) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object('id', w.id, 'url', w.url, 'types', w.types, 'created_at', w.created_at)
$$;
