-- certificate_add: the function in force. `daftar migrate` re-applies this file
-- when it changes; earlier bodies are history in sql/catalog/ 0009.
-- Registers a certificate for the calling officer; registering it again is a no-op.
CREATE OR REPLACE FUNCTION daftar.certificate_add(p_fingerprint text, p_subject text, p_issuer text, p_serial text,
                                       p_not_before timestamptz, p_not_after timestamptz, p_der bytea) RETURNS json
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
DECLARE
    p_uid text := current_setting('daftar.officer_uid', true);
    c daftar.certificates;
BEGIN
    SELECT * INTO c FROM daftar.certificates WHERE fingerprint = p_fingerprint;
    IF FOUND THEN
        IF c.uid <> p_uid THEN
            RAISE EXCEPTION 'This certificate is registered to another officer.' USING ERRCODE = 'DF409';
        END IF;
        RETURN daftar.certificate_json(c);
    END IF;
    IF (SELECT count(*) FROM daftar.certificates WHERE uid = p_uid) >= 10 THEN
        RAISE EXCEPTION 'At most 10 certificates per officer.' USING ERRCODE = 'DF422';
    END IF;
    INSERT INTO daftar.certificates (fingerprint, uid, subject, issuer, serial, not_before, not_after, der)
    VALUES (p_fingerprint, p_uid, p_subject, p_issuer, p_serial, p_not_before, p_not_after, p_der)
    RETURNING * INTO c;
    RETURN daftar.certificate_json(c);
END
$$;
