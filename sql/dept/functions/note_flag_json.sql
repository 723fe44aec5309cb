-- note_flag_json: a flag as the reader sees it: what it points at, where to
-- follow it (`href`, the route of the thing) and, when the caller may see
-- the thing, what it is (receipt number and subject, document name, note).
CREATE OR REPLACE FUNCTION {schema}.note_flag_json(g {schema}.note_flags) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', g.id, 'n', g.n, 'kind', g.kind, 'label', g.label, 'created_by', g.created_by,
        'created_at', to_char(g.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
        'target', CASE g.kind
            WHEN 'receipt' THEN (SELECT json_build_object('id', x.id, 'receipt_number', x.receipt_number, 'subject', x.subject)
                                 FROM {schema}.receipts x WHERE x.id = g.receipt_id)
            WHEN 'document' THEN (SELECT json_build_object('id', d.id, 'filename', d.filename, 'sha256', d.sha256)
                                  FROM {schema}.documents d WHERE d.id = g.document_id)
            ELSE json_build_object('n', g.note_n) END,
        'href', '/v1/departments/' || replace(current_user, 'dept_', '') || CASE g.kind
            WHEN 'receipt' THEN '/receipts/' || g.receipt_id
            WHEN 'document' THEN '/files/' || g.file_id || '/documents/' || g.document_id
            ELSE '/files/' || g.file_id || '/notes#' || g.note_n END)
$$;
