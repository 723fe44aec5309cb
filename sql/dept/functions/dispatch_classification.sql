-- dispatch_classification: the classification of a dispatch the dispatch
-- section may attach its letter to (issued, no letter yet), for the server
-- to decide on encryption before storing it.
CREATE OR REPLACE FUNCTION {schema}.dispatch_classification(p_id uuid) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    x {schema}.dispatches := {schema}.held_dispatch(p_id);
BEGIN
    IF x.document_id IS NOT NULL THEN
        RAISE EXCEPTION 'The dispatch has its letter already.' USING ERRCODE = 'DF409', HINT = 'dispatch-has-letter';
    END IF;
    IF x.status <> 'issued' THEN
        RAISE EXCEPTION 'The letter is attached before it is sent; this one is %.', x.status USING ERRCODE = 'DF409', HINT = 'dispatch-letter-after-sending';
    END IF;
    RETURN x.classification;
END
$$;
