-- dispatch_clerk: raises unless the caller works in the dispatch section
-- (role dispatch_clerk), who issue letters and keep the register.
CREATE OR REPLACE FUNCTION {schema}.dispatch_clerk() RETURNS void
LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF NOT {schema}.has_role('dispatch_clerk') THEN
        RAISE EXCEPTION 'This is the dispatch section''s work (role dispatch_clerk).' USING ERRCODE = 'DF403', HINT = 'needs-dispatch-clerk';
    END IF;
END
$$;
