-- filing_head_create: the records officer (or dept_admin) adds a main head
-- or, under an active main head, a sub-head. Retention B is 10 years; C 1-3
-- (3 by default); A for ever. Idempotency-Key as for files. 403 for others
-- (and row-level security refuses the insert too), 409 for a code taken.
CREATE OR REPLACE FUNCTION {schema}.filing_head_create(p_parent uuid, p_code text, p_name text, p_name_hi text,
                                                       p_retention text, p_years integer, p_key text,
                                                       p_request_hash text) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    v_done json;
    p {schema}.filing_heads;
    h {schema}.filing_heads;
    v_out json;
BEGIN
    v_done := {schema}.idempotency_replay(p_key, p_request_hash);
    IF v_done IS NOT NULL THEN
        RETURN json_build_object('replayed', true, 'head', v_done);
    END IF;
    IF NOT ({schema}.has_role('records_officer') OR {schema}.has_role('dept_admin')) THEN
        RAISE EXCEPTION 'The filing scheme is kept by the records officer.' USING ERRCODE = 'DF403', HINT = 'needs-records-officer';
    END IF;
    IF p_parent IS NOT NULL THEN
        SELECT * INTO p FROM {schema}.filing_heads WHERE id = p_parent;
        IF NOT FOUND OR p.parent_id IS NOT NULL OR NOT p.active THEN
            RAISE EXCEPTION 'A sub-head goes under an active main head.' USING ERRCODE = 'DF422';
        END IF;
    END IF;
    IF EXISTS (SELECT 1 FROM {schema}.filing_heads x WHERE x.parent_id IS NOT DISTINCT FROM p_parent AND x.code = p_code) THEN
        RAISE EXCEPTION 'This code is taken at this level of the scheme.' USING ERRCODE = 'DF409';
    END IF;
    INSERT INTO {schema}.filing_heads (parent_id, code, name, name_hi, retention, retention_years, created_by)
    VALUES (p_parent, p_code, p_name, coalesce(p_name_hi, ''), p_retention,
            CASE p_retention WHEN 'A' THEN NULL WHEN 'B' THEN 10 ELSE coalesce(p_years, 3) END, {schema}.me())
    RETURNING * INTO h;
    v_out := {schema}.filing_head_json(h);
    PERFORM {schema}.idempotency_keep(p_key, p_request_hash, v_out);
    PERFORM {schema}.audit('head.create', h.id, json_build_object('code', h.code, 'parent', h.parent_id));
    RETURN json_build_object('replayed', false, 'head', v_out);
END
$$;
