-- dak_acknowledge: the registry acknowledges a letter another department
-- sent to this one: it becomes a receipt in this department's dak (diary
-- number, sender and its dispatch number, subject, date, received today,
-- mode portal) with the letter's PDF as its document (the same bytes; the
-- SHA-256 is checked again here), and the exchange row records the receipt,
-- who and when. Returns the receipt and the claims of the hand-off that
-- daftar signs (the server, then dak_handoff_store). Acknowledged already
-- but not yet signed (a server stopped between the two): the same answer
-- again; signed: 409.
CREATE OR REPLACE FUNCTION {schema}.dak_acknowledge(p_id uuid) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    e daftar.dak_exchange;
    v_receipt json;
    v_id uuid;
BEGIN
    PERFORM {schema}.dak_diarist();
    SELECT * INTO e FROM daftar.dak_exchange x
    WHERE x.id = p_id AND x.recipient = (SELECT k.code FROM daftar.dept_key k) FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'No such letter in the dak.' USING ERRCODE = 'DF404';
    END IF;
    IF e.handoff IS NOT NULL THEN
        RAISE EXCEPTION 'This letter is acknowledged already (receipt %).', e.receipt_number USING ERRCODE = 'DF409';
    END IF;
    IF e.acknowledged_at IS NULL THEN
        IF encode(sha256(e.content), 'hex') <> e.sha256 THEN
            RAISE EXCEPTION 'The letter does not match its SHA-256; it cannot be acknowledged.' USING ERRCODE = 'DF422';
        END IF;
        v_receipt := {schema}.receipt_create(e.sender_name || ' (' || e.sender || ')', e.dispatch_number, e.letter_date,
                                             NULL, 'portal', e.subject, 'restricted', NULL, e.sha256) -> 'receipt';
        v_id := (v_receipt ->> 'id')::uuid;
        PERFORM {schema}.receipt_document_add(v_id, e.filename, 'application/pdf', octet_length(e.content), e.sha256, false,
                                              e.content);
        UPDATE daftar.dak_exchange x SET receipt_id = v_id, receipt_number = v_receipt ->> 'receipt_number',
                                         acknowledged_by = {schema}.me(), acknowledged_at = now()
        WHERE x.id = p_id RETURNING * INTO e;
        PERFORM {schema}.audit('dak.acknowledge', v_id, json_build_object('exchange', e.id, 'sender', e.sender,
                                                                        'dispatch_number', e.dispatch_number,
                                                                        'sha256', e.sha256));
    END IF;
    RETURN json_build_object(
        'receipt', (SELECT {schema}.receipt_json(x) FROM {schema}.receipts x WHERE x.id = e.receipt_id),
        'claims', json_build_object('token_use', 'dak_handoff', 'jti', e.id, 'sender', e.sender, 'recipient', e.recipient,
                                    'dispatch_number', e.dispatch_number, 'receipt_number', e.receipt_number,
                                    'letter_sha256', e.sha256,
                                    'sent_at', to_char(e.sent_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                                    'received_at', to_char(e.acknowledged_at AT TIME ZONE 'UTC',
                                                           'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')));
END
$$;
