-- dak_json: a letter from another department as the receiving department
-- sees it in its dak (the exchange row, catalog 0026; its PDF is the
-- receipt's document once acknowledged).
CREATE OR REPLACE FUNCTION {schema}.dak_json(e daftar.dak_exchange) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object('id', e.id, 'sender', e.sender, 'sender_name', e.sender_name,
                             'dispatch_number', e.dispatch_number, 'section', e.section, 'designation', e.designation,
                             'subject', e.subject, 'letter_date', e.letter_date, 'filename', e.filename,
                             'size', octet_length(e.content), 'sha256', e.sha256,
                             'sent_at', to_char(e.sent_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                             'receipt_id', e.receipt_id, 'receipt_number', e.receipt_number,
                             'acknowledged_by', e.acknowledged_by,
                             'acknowledged_at', to_char(e.acknowledged_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
$$;
