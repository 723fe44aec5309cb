-- receipt_create: the function in force. `daftar migrate` re-applies this file
-- when it changes; earlier bodies are history in sql/dept/ 0006.
CREATE OR REPLACE FUNCTION {schema}.receipt_create(p_sender text, p_letter_number text, p_letter_date date, p_received_on date,
                                        p_mode text, p_subject text, p_classification text, p_key text,
                                        p_request_hash text) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    v_today date := (now() AT TIME ZONE 'Asia/Kolkata')::date;
    v_year integer := extract(year FROM v_today);
    v_key text := 'receipt:' || p_key;
    v_done json;
    v_n integer;
    x {schema}.receipts;
    v_out json;
BEGIN
    v_done := {schema}.idempotency_replay(v_key, p_request_hash);
    IF v_done IS NOT NULL THEN
        RETURN json_build_object('replayed', true, 'receipt', v_done);
    END IF;
    IF {schema}.clearance_rank(p_classification) > current_setting('daftar.clearance')::int THEN
        RAISE EXCEPTION 'You cannot register a receipt above your clearance.' USING ERRCODE = 'DF403';
    END IF;
    IF NOT {schema}.cleared_for(p_classification) THEN -- its holder could not read it back (receipts_policies)
        RAISE EXCEPTION 'Confidential and secret receipts are registered with a second factor from a trusted network.'
            USING ERRCODE = 'DF403';
    END IF;
    IF coalesce(p_received_on, v_today) > v_today OR p_letter_date > coalesce(p_received_on, v_today) THEN
        RAISE EXCEPTION 'A letter cannot be dated or received in the future, or received before it was written.'
            USING ERRCODE = 'DF422';
    END IF;
    INSERT INTO {schema}.receipt_counters AS c (year, last) VALUES (v_year, 1)
    ON CONFLICT (year) DO UPDATE SET last = c.last + 1
    RETURNING last INTO v_n;
    INSERT INTO {schema}.receipts (receipt_number, sender, letter_number, letter_date, received_on, mode, subject,
                                   classification, registered_by)
    VALUES (upper(replace(current_user, 'dept_', '')) || '/R/' || v_year || '/' || lpad(v_n::text, 5, '0'),
            p_sender, coalesce(p_letter_number, ''), p_letter_date, coalesce(p_received_on, v_today), p_mode,
            p_subject, p_classification, {schema}.me())
    RETURNING * INTO x;
    v_out := {schema}.receipt_json(x);
    PERFORM {schema}.idempotency_keep(v_key, p_request_hash, v_out);
    PERFORM {schema}.audit('receipt.create', x.id, json_build_object('receipt_number', x.receipt_number));
    RETURN json_build_object('replayed', false, 'receipt', v_out);
END
$$;
