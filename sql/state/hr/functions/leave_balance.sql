-- leave_balance: the function in force. `daftar migrate` re-applies this
-- file when it changes.
-- An officer's balance of a type: the sum of its ledger rows, nothing else.
CREATE OR REPLACE FUNCTION {schema}.leave_balance(p_uid text, p_type text) RETURNS numeric
LANGUAGE sql STABLE AS $$
    SELECT coalesce(sum(l.days), 0) FROM {schema}.leave_ledger l WHERE l.uid = p_uid AND l.type = p_type
$$;
