-- dak_diarist: raises unless the caller diarises the department's inward
-- letters that come through the exchange: the central registry (records
-- officers, the dispatch section) or a dept_admin.
CREATE OR REPLACE FUNCTION {schema}.dak_diarist() RETURNS void
LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF NOT ({schema}.has_role('records_officer') OR {schema}.has_role('dispatch_clerk') OR {schema}.has_role('dept_admin')) THEN
        RAISE EXCEPTION 'Letters from other departments are diarised by the registry (records_officer, dispatch_clerk).'
            USING ERRCODE = 'DF403';
    END IF;
END
$$;
