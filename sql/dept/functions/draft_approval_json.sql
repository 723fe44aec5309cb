-- draft_approval_json: one approval of a draft version, with its signature's particulars.
CREATE OR REPLACE FUNCTION {schema}.draft_approval_json(a {schema}.draft_approvals) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object('version', a.version, 'hash', a.hash, 'approved_by', a.approved_by,
                             'on_behalf_of', a.on_behalf_of, 'remarks', a.remarks,
                             'approved_at', to_char(a.approved_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                             'signature', CASE WHEN a.cms IS NOT NULL THEN json_build_object(
                                 'signer', a.approved_by, 'subject', a.subject, 'issuer', a.issuer, 'serial', a.serial,
                                 'fingerprint', a.fingerprint,
                                 'signing_time', to_char(a.signing_time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                                 'certificate_valid_until', to_char(a.not_after AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'))
                                 END)
$$;
