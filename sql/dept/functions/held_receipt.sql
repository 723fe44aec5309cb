-- held_receipt: the caller registered, held or was copied the receipt
-- (receipt_access, department 0025). plpgsql so may_see_receipt stays
-- inlinable (a sub-query in an SQL function is planned again per call).
CREATE OR REPLACE FUNCTION {schema}.held_receipt(p_receipt uuid) RETURNS boolean
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN EXISTS (SELECT 1 FROM {schema}.receipt_access a WHERE a.receipt_id = p_receipt AND a.uid = {schema}.me());
END
$$;
