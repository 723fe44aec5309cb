-- 0007_service_accounts: other government systems integrate as service
-- accounts (OAuth 2 client credentials). A client secret is 256 random bits,
-- so it is stored as a SHA-256 hash (no slow hash needed for such entropy).
-- Service accounts never hold administrative roles.
CREATE TABLE daftar.service_accounts (
    client_id text PRIMARY KEY CHECK (client_id ~ '^svc_[0-9a-f]{16}$'),
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    dept text NOT NULL REFERENCES daftar.departments (code),
    roles text[] NOT NULL CHECK (roles <@ ARRAY['officer', 'section_officer', 'dispatch_clerk', 'training_nodal',
                                                 'records_officer']::text[] AND cardinality(roles) > 0),
    scopes text[] NOT NULL DEFAULT '{}',
    secret_hash text NOT NULL,
    status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
GRANT SELECT ON daftar.service_accounts TO daftar_api;
