-- certificate_revoke: the function in force. `daftar migrate` re-applies
-- this file when it changes.
-- training_admin revokes a completion (found fraudulent, say) with the
-- reason: it counts for nothing from now on, its certificate verifies as
-- revoked, and it is listed at GET /v1/certificates/revoked. Once.
CREATE OR REPLACE FUNCTION {schema}.certificate_revoke(p_id uuid, p_reason text) RETURNS json
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    c {schema}.completions;
BEGIN
    IF NOT {schema}.administers() THEN
        RAISE EXCEPTION 'Only the state''s training administrators revoke certificates.' USING ERRCODE = 'DF403', HINT = 'needs-training-admin';
    END IF;
    SELECT * INTO c FROM {schema}.completions x WHERE x.id = p_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'No such certificate.' USING ERRCODE = 'DF404';
    END IF;
    INSERT INTO {schema}.revocations (completion, revoked_by, reason)
    VALUES (c.id, current_setting('daftar.officer_uid'), p_reason) ON CONFLICT DO NOTHING;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'This certificate is revoked already.' USING ERRCODE = 'DF409', HINT = 'certificate-revoked-already';
    END IF;
    PERFORM {schema}.audit_append('certificate.revoke', c.uid, jsonb_build_object('completion', c.id, 'reason', p_reason));
    RETURN {schema}.completion_json(c);
END
$$;
