-- visible_receipt: the function in force. `daftar migrate` re-applies this file
-- when it changes; it came with the receipt's track (issue 27).
-- The receipt if the caller may see it (a row of NULLs otherwise); a read of
-- a confidential or secret one appends audit event `p_what`, as visible_file
-- does for files: receipt.read (receipt_get), receipt.track (its track).
CREATE OR REPLACE FUNCTION {schema}.visible_receipt(p_id uuid, p_what text) RETURNS {schema}.receipts
LANGUAGE plpgsql AS $$
DECLARE
    x {schema}.receipts;
BEGIN
    SELECT * INTO x FROM {schema}.receipts WHERE id = p_id;
    IF NOT FOUND OR NOT {schema}.may_see_receipt(x) THEN
        RETURN NULL;
    END IF;
    IF x.classification IN ('confidential', 'secret') THEN
        PERFORM {schema}.audit(p_what, x.id, '{}');
    END IF;
    RETURN x;
END
$$;
