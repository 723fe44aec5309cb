-- receipt_json: the function in force. `daftar migrate` re-applies this file
-- when it changes; earlier bodies are history in sql/dept/ 0006.
CREATE OR REPLACE FUNCTION {schema}.receipt_json(x {schema}.receipts) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object('id', x.id, 'receipt_number', x.receipt_number, 'sender', x.sender,
                             'letter_number', x.letter_number, 'letter_date', x.letter_date,
                             'received_on', x.received_on, 'mode', x.mode, 'subject', x.subject,
                             'classification', x.classification, 'registered_by', x.registered_by,
                             'holder', x.holder, 'status', x.status, 'version', x.version,
                             'file_id', x.file_id, 'filed_by', x.filed_by,
                             'filed_at', to_char(x.filed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                             'created_at', to_char(x.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                             'updated_at', to_char(x.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                             'document', (SELECT {schema}.document_json(d) FROM {schema}.documents d WHERE d.receipt_id = x.id))
$$;
