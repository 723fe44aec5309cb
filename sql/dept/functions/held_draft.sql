-- held_draft: a draft its author may change: the author holds the open
-- file (held_file_draft), the draft is not issued, and (p_version not
-- NULL) it is still at the version they read. Locked; raises otherwise.
CREATE OR REPLACE FUNCTION {schema}.held_draft(p_file uuid, p_draft uuid, p_version integer) RETURNS {schema}.drafts
LANGUAGE plpgsql AS $$
DECLARE
    d {schema}.drafts := {schema}.held_file_draft(p_file, p_draft);
BEGIN
    IF d.author <> {schema}.me() THEN
        RAISE EXCEPTION 'Only the draft''s author changes it.' USING ERRCODE = 'DF403';
    END IF;
    IF d.issued_at IS NOT NULL THEN
        RAISE EXCEPTION 'The letter is issued; an issued draft never changes.' USING ERRCODE = 'DF409';
    END IF;
    IF p_version IS NOT NULL AND d.version <> p_version THEN
        RAISE EXCEPTION 'The draft has changed since you read it.' USING ERRCODE = 'DF412';
    END IF;
    RETURN d;
END
$$;
