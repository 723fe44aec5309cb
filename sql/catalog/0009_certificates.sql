-- 0009_certificates: signing certificates officers register for e-noting.
-- The server checks a certificate against the trusted CAs before it gets
-- here; signatures on notes are verified against the signer's registered
-- certificates only. A certificate belongs to one officer.
CREATE TABLE daftar.certificates (
    fingerprint text PRIMARY KEY CHECK (fingerprint ~ '^[0-9a-f]{64}$'),
    uid text NOT NULL REFERENCES daftar.officers (uid),
    subject text NOT NULL,
    issuer text NOT NULL,
    serial text NOT NULL,
    not_before timestamptz NOT NULL,
    not_after timestamptz NOT NULL,
    der bytea NOT NULL,
    registered_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX certificates_uid ON daftar.certificates (uid, registered_at);

CREATE FUNCTION daftar.certificate_json(c daftar.certificates) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object('fingerprint', c.fingerprint, 'subject', c.subject, 'issuer', c.issuer, 'serial', c.serial,
                             'not_before', to_char(c.not_before AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                             'not_after', to_char(c.not_after AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                             'registered_at', to_char(c.registered_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
$$;

-- Registers a certificate for the calling officer; registering it again is a no-op.
CREATE FUNCTION daftar.certificate_add(p_fingerprint text, p_subject text, p_issuer text, p_serial text,
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

-- The calling officer's certificates (department roles reach them only through this).
CREATE FUNCTION daftar.certificates_mine() RETURNS SETOF daftar.certificates
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog AS $$
    SELECT * FROM daftar.certificates WHERE uid = current_setting('daftar.officer_uid', true) ORDER BY registered_at
$$;

REVOKE EXECUTE ON FUNCTION daftar.certificate_add(text, text, text, text, timestamptz, timestamptz, bytea),
    daftar.certificates_mine() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION daftar.certificate_json(daftar.certificates),
    daftar.certificate_add(text, text, text, text, timestamptz, timestamptz, bytea), daftar.certificates_mine() TO daftar_api;
