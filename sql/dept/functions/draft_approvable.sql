-- draft_approvable: the draft at version p_version, which the caller may
-- approve now (locked); raises otherwise. The approver holds the open file
-- themselves, not through an acting charge (held_file_draft; outsiders:
-- DF404), has the approving role or a delegation of it (may_decide), is not
-- the draft's author, nor (under a delegation) is the delegator; the
-- version is the draft's current one and not approved yet.
CREATE OR REPLACE FUNCTION {schema}.draft_approvable(p_file uuid, p_draft uuid, p_version integer) RETURNS {schema}.drafts
LANGUAGE plpgsql AS $$
DECLARE
    d {schema}.drafts := {schema}.held_file_draft(p_file, p_draft);
BEGIN
    IF (SELECT f.holder FROM {schema}.files f WHERE f.id = p_file) <> {schema}.me() THEN
        RAISE EXCEPTION 'Approve only on files you hold yourself: forward it from the charge to yourself first.'
            USING ERRCODE = 'DF403', HINT = 'decide-held-files-only';  -- held through an acting charge: an approval is the approver's own
    END IF;
    IF d.version <> p_version THEN
        RAISE EXCEPTION 'The draft has changed since you read it.' USING ERRCODE = 'DF412';
    END IF;
    IF NOT {schema}.may_decide() THEN
        RAISE EXCEPTION 'Approving a draft needs the approving role (section_officer or dept_admin) or a delegation of it.'
            USING ERRCODE = 'DF403', HINT = 'needs-approving-role';
    END IF;
    IF d.author = {schema}.me() THEN
        RAISE EXCEPTION 'Nobody approves a letter they drafted: send the file to the competent officer.' USING ERRCODE = 'DF403', HINT = 'own-draft';
    END IF;
    IF NOT ({schema}.has_role('section_officer') OR {schema}.has_role('dept_admin'))
       AND {schema}.decision_delegator() = d.author THEN
        RAISE EXCEPTION 'A delegation never approves the delegator''s own draft.' USING ERRCODE = 'DF403', HINT = 'delegators-own-draft';
    END IF;
    IF d.issued_at IS NOT NULL THEN
        RAISE EXCEPTION 'The letter is issued already.' USING ERRCODE = 'DF409', HINT = 'draft-issued-already';
    END IF;
    IF d.approved_version = d.version THEN
        RAISE EXCEPTION 'This version is approved already.' USING ERRCODE = 'DF409', HINT = 'draft-approved-already';
    END IF;
    RETURN d;
END
$$;
