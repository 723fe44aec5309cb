-- receipt_file: the function in force. `daftar migrate` re-applies this file
-- when it changes; earlier bodies are history in sql/dept/ 0006.
-- The holder of a file puts a receipt they hold (or hold the charge of) into it, with its document;
-- the receipt's track ends with 'file'.
CREATE OR REPLACE FUNCTION {schema}.receipt_file(p_id uuid, p_file uuid) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    x {schema}.receipts;
    f {schema}.files;
BEGIN
    SELECT * INTO x FROM {schema}.receipts WHERE id = p_id; -- not FOR UPDATE: see receipt_mark
    IF NOT FOUND OR NOT {schema}.may_see_receipt(x) THEN
        RAISE EXCEPTION 'No such receipt.' USING ERRCODE = 'DF404';
    END IF;
    IF x.file_id IS NOT NULL THEN
        RAISE EXCEPTION 'The receipt is in a file already.' USING ERRCODE = 'DF409', HINT = 'receipt-filed-already';
    END IF;
    IF NOT {schema}.acts_for(x.holder) THEN
        RAISE EXCEPTION 'Only the receipt''s main receiver puts it into a file.'
            USING ERRCODE = 'DF403', HINT = 'not-the-receiver';
    END IF;
    f := {schema}.held_file(p_file);
    IF {schema}.clearance_rank(x.classification) > {schema}.clearance_rank(f.classification) THEN
        RAISE EXCEPTION 'A receipt goes only into a file classified at least as high.'
            USING ERRCODE = 'DF422', HINT = 'receipt-above-file';
    END IF;
    UPDATE {schema}.receipts SET file_id = p_file, filed_by = {schema}.me(), filed_at = now(), status = 'filed',
                                 version = version + 1, updated_at = now()
    WHERE id = p_id AND version = x.version RETURNING * INTO x;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'The receipt moved meanwhile.' USING ERRCODE = 'DF409';
    END IF;
    INSERT INTO {schema}.receipt_movements (receipt_id, seq, action, from_uid, to_uid, remarks, on_behalf_of)
    VALUES (p_id, (SELECT max(seq) + 1 FROM {schema}.receipt_movements WHERE receipt_id = p_id), 'file', {schema}.me(),
            x.holder, 'Put into file ' || f.file_number, nullif(x.holder, {schema}.me()));
    UPDATE {schema}.documents SET file_id = p_file WHERE receipt_id = p_id;
    UPDATE {schema}.files SET updated_at = now() WHERE id = p_file;
    PERFORM {schema}.audit('receipt.file', p_file, json_build_object('receipt', p_id));
    RETURN {schema}.receipt_json(x);
END
$$;
