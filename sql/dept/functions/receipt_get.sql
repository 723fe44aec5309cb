-- receipt_get: the function in force. `daftar migrate` re-applies this file
-- when it changes; earlier bodies are history in sql/dept/ 0006.
-- A receipt the caller may see (reads of confidential ones are audited,
-- receipt.read: visible_receipt); NULL otherwise.
CREATE OR REPLACE FUNCTION {schema}.receipt_get(p_id uuid) RETURNS json
LANGUAGE sql AS $$
    SELECT CASE WHEN x.id IS NOT NULL THEN {schema}.receipt_json(x) END
    FROM {schema}.visible_receipt(p_id, 'receipt.read') x
$$;
