-- draft_edit: the author changes a draft (members given replace the old;
-- NULL leaves them): a new version and hash, and so no approval.
CREATE OR REPLACE FUNCTION {schema}.draft_edit(p_file uuid, p_draft uuid, p_version integer, p_subject text, p_body text,
                                               p_addressees jsonb, p_copies jsonb, p_enclosures jsonb)
RETURNS TABLE (draft json, version integer)
LANGUAGE plpgsql AS $$
DECLARE
    d {schema}.drafts := {schema}.held_draft(p_file, p_draft, p_version);
    v_voided boolean := d.approved_version = d.version;
BEGIN
    d.subject := coalesce(p_subject, d.subject);
    d.body := coalesce(p_body, d.body);
    IF p_addressees IS NOT NULL THEN
        d.addressees := {schema}.draft_addressees(p_addressees);
    END IF;
    IF p_copies IS NOT NULL THEN
        d.copies_to := {schema}.draft_addressees(p_copies);
    END IF;
    IF p_enclosures IS NOT NULL THEN
        d.enclosures := {schema}.draft_enclosures(p_file, p_enclosures);
    END IF;
    d.version := d.version + 1;
    d.hash := {schema}.draft_hash(d);
    UPDATE {schema}.drafts x SET subject = d.subject, body = d.body, addressees = d.addressees, copies_to = d.copies_to,
                                 enclosures = d.enclosures, version = d.version, hash = d.hash, updated_at = now()
    WHERE x.id = p_draft RETURNING * INTO d;
    PERFORM {schema}.audit('draft.edit', p_file, json_build_object('draft', d.id, 'version', d.version, 'hash', d.hash,
                                                                  'approval_voided', v_voided));
    RETURN QUERY SELECT {schema}.draft_json(d), d.version;
END
$$;
