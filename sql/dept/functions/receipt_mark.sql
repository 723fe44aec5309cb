-- receipt_mark: dak that moves (department 0025). Whoever acts for a
-- receipt's holder (its main receiver, or the holder's acting charge) marks
-- it, before it is filed, to another officer of the department cleared for
-- it, with remarks, and optionally copies to others for information: they
-- see it (receipt_access) and it shows in their inbox as a copy, but only
-- the main receiver acts. Needs the receipt's version (If-Match). A line of
-- the track and an audit event; returns the receipt.
CREATE OR REPLACE FUNCTION {schema}.receipt_mark(p_id uuid, p_version integer, p_to text, p_copies text[], p_remarks text)
RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    x {schema}.receipts;
    v_for text;
    v_copies text[] := ARRAY(SELECT DISTINCT c FROM unnest(coalesce(p_copies, '{}')) c WHERE c <> p_to ORDER BY c);
    v_uid text;
BEGIN
    -- no FOR UPDATE: under row-level security that reaches only rows the caller may change (receipts_act), and
    -- whoever may not should hear 403, not 404; the UPDATE below names the version it checked instead
    SELECT * INTO x FROM {schema}.receipts WHERE id = p_id;
    IF NOT FOUND OR NOT {schema}.may_see_receipt(x) THEN
        RAISE EXCEPTION 'No such receipt.' USING ERRCODE = 'DF404';
    END IF;
    IF x.version <> p_version THEN
        RAISE EXCEPTION 'The receipt has changed since you read it.' USING ERRCODE = 'DF412';
    END IF;
    IF NOT {schema}.acts_for(x.holder) THEN
        RAISE EXCEPTION 'Only the receipt''s main receiver marks it on.' USING ERRCODE = 'DF403', HINT = 'not-the-receiver';
    END IF;
    IF x.file_id IS NOT NULL THEN
        RAISE EXCEPTION 'The receipt is in a file already.' USING ERRCODE = 'DF409', HINT = 'receipt-filed-already';
    END IF;
    v_for := x.holder;
    IF p_to = v_for THEN
        RAISE EXCEPTION 'Mark the receipt to another officer.' USING ERRCODE = 'DF422', HINT = 'forward-to-self';
    END IF;
    FOREACH v_uid IN ARRAY array_prepend(p_to, v_copies) LOOP
        IF coalesce((SELECT clearance FROM daftar.dept_members WHERE uid = v_uid), -1)
           < {schema}.clearance_rank(x.classification) THEN
            RAISE EXCEPTION 'Officer % is not an officer of this department cleared for this receipt.', v_uid
                USING ERRCODE = 'DF422', HINT = 'receiver-not-cleared';
        END IF;
    END LOOP;
    INSERT INTO {schema}.receipt_access (receipt_id, uid)
    SELECT p_id, u FROM unnest(array_prepend(p_to, v_copies) || {schema}.me()) u ON CONFLICT DO NOTHING; -- the actor too
    UPDATE {schema}.receipts SET holder = p_to, status = 'marked', version = version + 1, updated_at = now()
    WHERE id = p_id AND version = p_version RETURNING * INTO x;
    IF NOT FOUND THEN -- marked meanwhile by whoever held it then
        RAISE EXCEPTION 'The receipt has changed since you read it.' USING ERRCODE = 'DF412';
    END IF;
    INSERT INTO {schema}.receipt_movements (receipt_id, seq, action, from_uid, to_uid, copies, remarks, on_behalf_of)
    VALUES (p_id, (SELECT max(seq) + 1 FROM {schema}.receipt_movements WHERE receipt_id = p_id), 'mark', {schema}.me(),
            p_to, v_copies, coalesce(p_remarks, ''), nullif(v_for, {schema}.me()));
    PERFORM {schema}.audit('receipt.mark', p_id, json_build_object('to', p_to, 'copies', v_copies));
    RETURN {schema}.receipt_json(x);
END
$$;
