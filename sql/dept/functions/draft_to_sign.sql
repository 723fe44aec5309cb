-- draft_to_sign: what an approver signs: the hash of the draft version they
-- may approve now, with their registered certificates (DER, base64).
CREATE OR REPLACE FUNCTION {schema}.draft_to_sign(p_file uuid, p_draft uuid, p_version integer) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    d {schema}.drafts := {schema}.draft_approvable(p_file, p_draft, p_version);
BEGIN
    RETURN daftar.to_sign(d.hash);
END
$$;
