-- filing_head_update: the records officer renames a head, changes its
-- retention category or retires it (active false: no new files under it);
-- its code never changes (file numbers are built from it). If-Match.
CREATE OR REPLACE FUNCTION {schema}.filing_head_update(p_id uuid, p_version integer, p_name text, p_name_hi text,
                                                       p_retention text, p_years integer, p_active boolean) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    h {schema}.filing_heads;
BEGIN
    SELECT * INTO h FROM {schema}.filing_heads WHERE id = p_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'No such head.' USING ERRCODE = 'DF404';
    END IF;
    IF NOT ({schema}.has_role('records_officer') OR {schema}.has_role('dept_admin')) THEN
        RAISE EXCEPTION 'The filing scheme is kept by the records officer.' USING ERRCODE = 'DF403', HINT = 'needs-records-officer';
    END IF;
    IF h.version <> p_version THEN
        RAISE EXCEPTION 'The head has changed since you read it.' USING ERRCODE = 'DF412';
    END IF;
    p_retention := coalesce(p_retention, h.retention);
    UPDATE {schema}.filing_heads
    SET name = coalesce(p_name, name), name_hi = coalesce(p_name_hi, name_hi), retention = p_retention,
        retention_years = CASE p_retention WHEN 'A' THEN NULL WHEN 'B' THEN 10
                                           ELSE coalesce(p_years, CASE WHEN h.retention = 'C' THEN h.retention_years END, 3) END,
        active = coalesce(p_active, active), version = version + 1, updated_at = now()
    WHERE id = p_id AND version = p_version RETURNING * INTO h;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'The head has changed since you read it.' USING ERRCODE = 'DF412';
    END IF;
    PERFORM {schema}.audit('head.update', h.id, json_build_object('retention', h.retention, 'active', h.active));
    RETURN {schema}.filing_head_json(h);
END
$$;
