-- submission_sign: the function in force. `daftar migrate` re-applies this
-- file when it changes.
-- Stores the signature the server verified over submission p_seq's hash
-- p_hash, checked again as submission_to_sign does (the part is the
-- caller's, not signed yet; a concurrent second signing meets the unique
-- key). Returns the signature as the form shows it.
CREATE OR REPLACE FUNCTION {schema}.submission_sign(p_form uuid, p_seq integer, p_hash text, p_fingerprint text,
                                                    p_subject text, p_issuer text, p_serial text, p_not_after timestamptz,
                                                    p_signing_time timestamptz, p_cms bytea) RETURNS json
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    s {schema}.submissions;
    g {schema}.signatures;
BEGIN
    PERFORM {schema}.submission_to_sign(p_form, p_seq);
    SELECT * INTO s FROM {schema}.submissions x WHERE x.form = p_form AND x.seq = p_seq;
    IF s.hash IS DISTINCT FROM p_hash THEN
        RAISE EXCEPTION 'The part signed is not this one; sign it again.' USING ERRCODE = 'DF409', HINT = 'apar-signed-other-part';
    END IF;
    INSERT INTO {schema}.signatures (form, seq, uid, hash, fingerprint, subject, issuer, serial, not_after, signing_time, cms)
    VALUES (p_form, p_seq, s.by_uid, p_hash, p_fingerprint, p_subject, p_issuer, p_serial, p_not_after, p_signing_time,
            p_cms)
    ON CONFLICT (form, seq) DO NOTHING
    RETURNING * INTO g;
    IF g.id IS NULL THEN
        RAISE EXCEPTION 'This part is signed already.' USING ERRCODE = 'DF409', HINT = 'apar-part-signed-already';
    END IF;
    PERFORM {schema}.audit_append('apar.sign', p_form::text, jsonb_build_object('seq', p_seq, 'level', s.level,
                                                                         'fingerprint', p_fingerprint));
    RETURN {schema}.signature_json(g);
END
$$;
