-- dak_send: sends a dispatch of mode department through the exchange
-- (catalog 0026, daftar.dak_exchange), at its issue: the letter's number,
-- subject, date, the addressee's section and designation, the PDF and its
-- SHA-256 as stored here (nothing else of the file); the sender is this
-- department, as the exchange's policy insists. The dispatch is `sent`; the
-- recipient's acknowledgement delivers it (dispatch_state).
CREATE OR REPLACE FUNCTION {schema}.dak_send(x {schema}.dispatches) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    doc {schema}.documents;
    v_id uuid;
BEGIN
    SELECT * INTO doc FROM {schema}.documents WHERE id = x.document_id;
    IF NOT FOUND OR doc.encrypted OR doc.content_type <> 'application/pdf' THEN
        RAISE EXCEPTION 'A letter to a department goes as its PDF, not encrypted.' USING ERRCODE = 'DF422';
    END IF;
    INSERT INTO daftar.dak_exchange (sender, sender_name, recipient, dispatch_id, dispatch_number, section, designation,
                                     subject, letter_date, filename, content, sha256)
    VALUES ((SELECT k.code FROM daftar.dept_key k), (SELECT p.name FROM {schema}.profile p LIMIT 1),
            x.addressee ->> 'department', x.id, x.dispatch_number, coalesce(x.addressee ->> 'section', ''),
            coalesce(x.addressee ->> 'designation', ''), x.subject, x.issued_on, doc.filename, doc.content, doc.sha256)
    RETURNING id INTO v_id;
    UPDATE {schema}.dispatches SET status = 'sent', status_at = now(), version = version + 1 WHERE id = x.id;
    INSERT INTO {schema}.dispatch_events (dispatch_id, seq, status, by_uid, remarks)
    SELECT x.id, max(e.seq) + 1, 'sent', {schema}.me(), 'to ' || (x.addressee ->> 'department')
    FROM {schema}.dispatch_events e WHERE e.dispatch_id = x.id;
    PERFORM {schema}.audit('dispatch.sent', x.file_id, json_build_object('dispatch', x.id, 'number', x.dispatch_number,
                                                                       'exchange', v_id, 'recipient',
                                                                       x.addressee ->> 'department', 'sha256', doc.sha256));
END
$$;
