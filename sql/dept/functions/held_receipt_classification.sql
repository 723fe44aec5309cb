-- held_receipt_classification: the function in force. `daftar migrate` re-applies this file
-- when it changes; earlier bodies are history in sql/dept/ 0006.
-- The classification of a receipt its registrar may still attach the document to.
CREATE OR REPLACE FUNCTION {schema}.held_receipt_classification(p_id uuid) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    x {schema}.receipts;
BEGIN
    SELECT * INTO x FROM {schema}.receipts WHERE id = p_id; -- not FOR UPDATE (receipt_mark says why)
    IF NOT FOUND OR NOT {schema}.may_see_receipt(x) THEN
        RAISE EXCEPTION 'No such receipt.' USING ERRCODE = 'DF404';
    END IF;
    IF x.registered_by <> {schema}.me() THEN
        RAISE EXCEPTION 'Only the officer who registered the receipt attaches its document.' USING ERRCODE = 'DF403';
    END IF;
    IF x.file_id IS NOT NULL THEN
        RAISE EXCEPTION 'The receipt is in a file already.' USING ERRCODE = 'DF409';
    END IF;
    RETURN x.classification;
END
$$;
