-- draft_json: a draft as the API shows it. status: issued (dispatched),
-- approved (its current version is approved), else draft; approval: the
-- current version's, or null (an edit after approval leaves none).
CREATE OR REPLACE FUNCTION {schema}.draft_json(d {schema}.drafts) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object('id', d.id, 'file_id', d.file_id, 'author', d.author, 'subject', d.subject,
                             'body', d.body, 'addressees', d.addressees, 'copies_to', d.copies_to,
                             'enclosures', to_json(d.enclosures),
                             'document', (SELECT {schema}.document_json(x) FROM {schema}.documents x WHERE x.id = d.document_id),
                             'version', d.version, 'hash', d.hash,
                             'status', CASE WHEN d.issued_at IS NOT NULL THEN 'issued'
                                            WHEN d.approved_version = d.version THEN 'approved' ELSE 'draft' END,
                             'approval', (SELECT {schema}.draft_approval_json(a) FROM {schema}.draft_approvals a
                                          WHERE a.draft_id = d.id AND a.version = d.approved_version
                                            AND d.approved_version = d.version),
                             'created_at', to_char(d.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                             'updated_at', to_char(d.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
$$;
