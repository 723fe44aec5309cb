-- 0002_identity: officers, credentials, memberships, signing keys, refresh
-- tokens. The API role reads what login and verification need and changes
-- only login bookkeeping and refresh tokens; officers and memberships are
-- changed by the owner (CLI) and, later, by department-admin functions.

CREATE SEQUENCE daftar.officer_serial START 1000000001 MINVALUE 1000000001 MAXVALUE 9999999999 NO CYCLE;

CREATE TABLE daftar.officers (
    uid text PRIMARY KEY CHECK (uid ~ '^[1-9][0-9]{10}$'),
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    home_dept text NOT NULL REFERENCES daftar.departments (code),
    clearance text NOT NULL DEFAULT 'restricted'
        CHECK (clearance IN ('unclassified', 'restricted', 'confidential', 'secret')),
    status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
    -- Tokens carry the generation they were issued in; raising it refuses
    -- every earlier token (password change or reset, membership change). No
    -- clocks are compared, so a token issued right after the change is fine.
    token_generation integer NOT NULL DEFAULT 0,
    generation_changed_at timestamptz NOT NULL DEFAULT '-infinity',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE daftar.credentials (
    uid text PRIMARY KEY REFERENCES daftar.officers (uid),
    password_hash text NOT NULL,
    must_change boolean NOT NULL DEFAULT true,
    totp_secret text,
    totp_enabled boolean NOT NULL DEFAULT false,
    totp_last_step bigint NOT NULL DEFAULT 0,
    failed_count integer NOT NULL DEFAULT 0,
    locked_until timestamptz,
    last_login_at timestamptz,
    password_changed_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE daftar.memberships (
    uid text NOT NULL REFERENCES daftar.officers (uid),
    dept text NOT NULL REFERENCES daftar.departments (code),
    roles text[] NOT NULL CHECK (roles <@ ARRAY['officer', 'section_officer', 'dept_admin', 'hr_admin', 'dispatch_clerk',
                                                 'training_nodal', 'records_officer']::text[] AND cardinality(roles) > 0),
    designation text NOT NULL DEFAULT '' CHECK (length(designation) <= 200),
    PRIMARY KEY (uid, dept)
);

CREATE TABLE daftar.signing_keys (
    kid text PRIMARY KEY CHECK (kid ~ '^[A-Za-z0-9_-]{8,64}$'),
    alg text NOT NULL DEFAULT 'ES256' CHECK (alg = 'ES256'),
    public_pem text NOT NULL,
    private_enc text NOT NULL, -- hex: AES-256-GCM nonce || ciphertext || tag, under the master key
    created_at timestamptz NOT NULL DEFAULT now(),
    signs_from timestamptz NOT NULL,   -- published in JWKS before this, so verifiers know it first
    signs_until timestamptz,           -- set when a newer key takes over
    published_until timestamptz        -- signs_until + token lifetime: dropped from JWKS after
);

CREATE TABLE daftar.refresh_tokens (
    token_hash text PRIMARY KEY, -- sha256 hex of the opaque token; the token itself is never stored
    family uuid NOT NULL,
    uid text NOT NULL REFERENCES daftar.officers (uid),
    amr text[] NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at timestamptz,
    revoked_at timestamptz
);
CREATE INDEX refresh_tokens_family ON daftar.refresh_tokens (family);

-- The claims of an officer, as login and refresh put them into tokens.
CREATE FUNCTION daftar.officer_claims(p_uid text) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'uid', o.uid, 'clearance', o.clearance, 'gen', o.token_generation,
        'depts', coalesce((SELECT json_object_agg(m.dept, m.roles ORDER BY m.dept)
                           FROM daftar.memberships m JOIN daftar.departments d ON d.code = m.dept
                           WHERE m.uid = o.uid AND d.status = 'active'), '{}'::json))
    FROM daftar.officers o WHERE o.uid = p_uid
$$;

-- Rotates a refresh token: marks it used and stores its successor, or, when
-- it was used before, revokes its whole family (a stolen token was replayed).
CREATE FUNCTION daftar.refresh_rotate(p_old text, p_new text, p_ttl_seconds integer) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    t daftar.refresh_tokens;
    o daftar.officers;
BEGIN
    SELECT * INTO t FROM daftar.refresh_tokens WHERE token_hash = p_old FOR UPDATE;
    IF NOT FOUND OR t.revoked_at IS NOT NULL OR t.expires_at < now() THEN
        RETURN json_build_object('status', 'invalid');
    END IF;
    IF t.used_at IS NOT NULL THEN
        UPDATE daftar.refresh_tokens SET revoked_at = now() WHERE family = t.family AND revoked_at IS NULL;
        RETURN json_build_object('status', 'reuse');
    END IF;
    SELECT * INTO o FROM daftar.officers WHERE uid = t.uid;
    IF o.status <> 'active' THEN
        RETURN json_build_object('status', 'invalid');
    END IF;
    UPDATE daftar.refresh_tokens SET used_at = now() WHERE token_hash = p_old;
    INSERT INTO daftar.refresh_tokens (token_hash, family, uid, amr, expires_at)
    VALUES (p_new, t.family, t.uid, t.amr, now() + make_interval(secs => p_ttl_seconds));
    RETURN json_build_object('status', 'ok', 'uid', t.uid, 'amr', to_json(t.amr), 'claims', daftar.officer_claims(t.uid),
                             'must_change', (SELECT must_change FROM daftar.credentials WHERE uid = t.uid),
                             'otp_enrol', (SELECT daftar.totp_required(t.uid) AND NOT totp_enabled  -- defined in 0004
                                           FROM daftar.credentials WHERE uid = t.uid));
END
$$;

-- Records a login attempt; after 5 failures in a row the account locks for
-- a time that doubles with each further failure (1 min .. 1 h).
CREATE FUNCTION daftar.login_record(p_uid text, p_ok boolean) RETURNS void
LANGUAGE sql AS $$
    UPDATE daftar.credentials SET
        failed_count = CASE WHEN p_ok THEN 0 ELSE failed_count + 1 END,
        locked_until = CASE WHEN p_ok THEN NULL
                            WHEN failed_count + 1 >= 5
                            THEN now() + least(interval '1 hour', interval '1 minute' * power(2, failed_count + 1 - 5))
                            ELSE locked_until END,
        last_login_at = CASE WHEN p_ok THEN now() ELSE last_login_at END
    WHERE uid = p_uid
$$;

REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA daftar FROM PUBLIC;
GRANT EXECUTE ON FUNCTION daftar.officer_claims(text), daftar.refresh_rotate(text, text, integer),
    daftar.login_record(text, boolean) TO daftar_api;
GRANT SELECT ON daftar.officers, daftar.memberships, daftar.signing_keys TO daftar_api;
GRANT SELECT, UPDATE (failed_count, locked_until, last_login_at, totp_last_step) ON daftar.credentials TO daftar_api;
GRANT SELECT, INSERT, UPDATE (used_at, revoked_at) ON daftar.refresh_tokens TO daftar_api;
