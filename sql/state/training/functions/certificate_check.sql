-- certificate_check: the function in force. `daftar migrate` re-applies
-- this file when it changes.
-- The facts behind a certificate whose signature the server has checked
-- (POST /v1/certificates/verify, for anyone, no login): its completion
-- exists and says what the certificate says, is not revoked and not
-- expired. Returns {valid, reason, revoked_at, certificate}; only what the
-- certificate itself shows.
CREATE OR REPLACE FUNCTION {schema}.certificate_check(p_claims jsonb) RETURNS json
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    c {schema}.completions;
    v_code text;
    v_revoked timestamptz;
    v_reason text;
BEGIN
    IF p_claims ->> 'token_use' IS DISTINCT FROM 'training_certificate'
       OR coalesce(p_claims ->> 'jti', '') !~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN
        RETURN json_build_object('valid', false, 'reason', 'not_a_certificate', 'revoked_at', NULL, 'certificate', NULL);
    END IF;
    SELECT * INTO c FROM {schema}.completions x WHERE x.id = (p_claims ->> 'jti')::uuid;
    IF NOT FOUND THEN
        RETURN json_build_object('valid', false, 'reason', 'unknown', 'revoked_at', NULL, 'certificate', NULL);
    END IF;
    v_code := (SELECT k.code FROM {schema}.courses k WHERE k.id = c.course);
    v_revoked := (SELECT r.revoked_at FROM {schema}.revocations r WHERE r.completion = c.id);
    v_reason := CASE WHEN p_claims ->> 'sub' IS DISTINCT FROM c.uid OR p_claims ->> 'course' IS DISTINCT FROM v_code
                          OR p_claims ->> 'completed' IS DISTINCT FROM c.completed_on::text
                          OR p_claims ->> 'valid_until' IS DISTINCT FROM c.valid_until::text
                          OR coalesce(p_claims -> 'score', 'null') IS DISTINCT FROM coalesce(to_jsonb(c.score), 'null')
                          THEN 'mismatch'
                     WHEN v_revoked IS NOT NULL THEN 'revoked'
                     WHEN c.valid_until < (now() AT TIME ZONE 'Asia/Kolkata')::date THEN 'expired' END;
    RETURN json_build_object('valid', v_reason IS NULL, 'reason', v_reason, 'revoked_at', v_revoked,
                             'certificate', json_build_object('id', c.id, 'uid', c.uid, 'course', {schema}.course_ref(c.course),
                                                              'completed_on', c.completed_on, 'score', c.score,
                                                              'valid_until', c.valid_until, 'source', c.source));
END
$$;
