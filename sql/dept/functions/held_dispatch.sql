-- held_dispatch: a dispatch the dispatch section acts on: one the caller
-- may see (else DF404) and the caller works in the section (dispatch_clerk,
-- else DF403); locked.
CREATE OR REPLACE FUNCTION {schema}.held_dispatch(p_id uuid) RETURNS {schema}.dispatches
LANGUAGE plpgsql AS $$
DECLARE
    x {schema}.dispatches;
BEGIN
    SELECT * INTO x FROM {schema}.dispatches WHERE id = p_id FOR UPDATE;
    IF NOT FOUND OR NOT {schema}.may_see_dispatch(x) THEN
        RAISE EXCEPTION 'No such dispatch.' USING ERRCODE = 'DF404';
    END IF;
    PERFORM {schema}.dispatch_clerk();
    RETURN x;
END
$$;
