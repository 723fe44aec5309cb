-- draft_approve: the holder with the approving role approves the draft's
-- current version (draft_approvable), with remarks and, when the server
-- verified one over p_hash, the signature. The approval counts until the
-- next edit (drafts.approved_version).
CREATE OR REPLACE FUNCTION {schema}.draft_approve(p_file uuid, p_draft uuid, p_version integer, p_remarks text,
                                                  p_hash text, p_fingerprint text, p_subject text, p_issuer text,
                                                  p_serial text, p_not_after timestamptz, p_signing_time timestamptz,
                                                  p_cms bytea)
RETURNS TABLE (draft json, version integer)
LANGUAGE plpgsql AS $$
DECLARE
    d {schema}.drafts := {schema}.draft_approvable(p_file, p_draft, p_version);
    v_behalf text;
BEGIN
    IF p_cms IS NOT NULL AND p_hash IS DISTINCT FROM d.hash THEN
        RAISE EXCEPTION 'The draft changed while it was being signed; sign it again.' USING ERRCODE = 'DF409', HINT = 'draft-changed-while-signing';
    END IF;
    IF NOT ({schema}.has_role('section_officer') OR {schema}.has_role('dept_admin')) THEN
        v_behalf := {schema}.decision_delegator();
    END IF;
    INSERT INTO {schema}.draft_approvals (draft_id, version, hash, approved_by, on_behalf_of, remarks, fingerprint, subject,
                                          issuer, serial, not_after, signing_time, cms)
    VALUES (d.id, d.version, d.hash, {schema}.me(), v_behalf, coalesce(p_remarks, ''), p_fingerprint, p_subject, p_issuer,
            p_serial, p_not_after, p_signing_time, p_cms);
    UPDATE {schema}.drafts x SET approved_version = d.version WHERE x.id = d.id RETURNING * INTO d;
    PERFORM {schema}.audit('draft.approve', p_file, json_build_object('draft', d.id, 'version', d.version, 'hash', d.hash,
                                                                     'signed', p_cms IS NOT NULL, 'on_behalf_of', v_behalf));
    RETURN QUERY SELECT {schema}.draft_json(d), d.version;
END
$$;
