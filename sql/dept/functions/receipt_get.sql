-- receipt_get: the function in force. `daftar migrate` re-applies this file
-- when it changes; earlier bodies are history in sql/dept/ 0006.
-- A receipt the caller may see (reads of confidential ones are audited); NULL otherwise.
CREATE OR REPLACE FUNCTION {schema}.receipt_get(p_id uuid) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    x {schema}.receipts;
BEGIN
    SELECT * INTO x FROM {schema}.receipts WHERE id = p_id;
    IF NOT FOUND OR NOT {schema}.may_see_receipt(x) THEN
        RETURN NULL;
    END IF;
    IF x.classification IN ('confidential', 'secret') THEN
        PERFORM {schema}.audit('receipt.read', x.id, '{}');
    END IF;
    RETURN {schema}.receipt_json(x);
END
$$;
