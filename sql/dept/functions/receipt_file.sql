-- receipt_file: the function in force. `daftar migrate` re-applies this file
-- when it changes; earlier bodies are history in sql/dept/ 0006.
-- The holder of a file puts a receipt they may see into it, with its document.
CREATE OR REPLACE FUNCTION {schema}.receipt_file(p_id uuid, p_file uuid) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    x {schema}.receipts;
    f {schema}.files;
BEGIN
    SELECT * INTO x FROM {schema}.receipts WHERE id = p_id FOR UPDATE;
    IF NOT FOUND OR NOT {schema}.may_see_receipt(x) THEN
        RAISE EXCEPTION 'No such receipt.' USING ERRCODE = 'DF404';
    END IF;
    f := {schema}.held_file(p_file);
    IF x.file_id IS NOT NULL THEN
        RAISE EXCEPTION 'The receipt is in a file already.' USING ERRCODE = 'DF409', HINT = 'receipt-filed-already';
    END IF;
    IF {schema}.clearance_rank(x.classification) > {schema}.clearance_rank(f.classification) THEN
        RAISE EXCEPTION 'A receipt goes only into a file classified at least as high.'
            USING ERRCODE = 'DF422', HINT = 'receipt-above-file';
    END IF;
    UPDATE {schema}.receipts SET file_id = p_file, filed_by = {schema}.me(), filed_at = now() WHERE id = p_id
    RETURNING * INTO x;
    UPDATE {schema}.documents SET file_id = p_file WHERE receipt_id = p_id;
    UPDATE {schema}.files SET updated_at = now() WHERE id = p_file;
    PERFORM {schema}.audit('receipt.file', p_file, json_build_object('receipt', p_id));
    RETURN {schema}.receipt_json(x);
END
$$;
