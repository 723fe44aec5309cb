-- dispatch_json: a dispatch as the register shows it (its status: dispatch_state).
CREATE OR REPLACE FUNCTION {schema}.dispatch_json(x {schema}.dispatches) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object('id', x.id, 'dispatch_number', x.dispatch_number, 'draft_id', x.draft_id, 'file_id', x.file_id,
                             'n', x.n, 'copy', x.copy, 'addressee', x.addressee, 'mode', x.mode, 'subject', x.subject,
                             'classification', x.classification, 'draft_version', x.draft_version,
                             'draft_hash', x.draft_hash,
                             'letter', (SELECT {schema}.document_json(d) FROM {schema}.documents d WHERE d.id = x.document_id),
                             'issued_on', x.issued_on, 'issued_by', x.issued_by,
                             'issued_at', to_char(x.issued_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                             'status', {schema}.dispatch_state(x), 'consignment', x.consignment,
                             'status_at', to_char(coalesce(CASE WHEN x.mode = 'department' AND x.status = 'sent'
                                                                THEN ({schema}.dispatch_handoff(x)).acknowledged_at END,
                                                           x.status_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                             'version', x.version,
                             'mail', CASE WHEN x.mode = 'email' THEN json_build_object(
                                 'attempts', x.mail_attempts, 'last_error', x.mail_error,
                                 'sent_at', to_char(x.mail_sent_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')) END)
$$;
