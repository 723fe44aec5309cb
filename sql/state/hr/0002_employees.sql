-- 0002_employees: an officer's service particulars (one row per officer,
-- kept by the establishment of a department the officer belongs to).
-- Personal data is kept to what HR needs: no identity-card numbers at all;
-- phone and e-mail optional. Rows are reached through
-- functions/employees_policies.sql only.
CREATE TABLE {schema}.employees (
    uid text PRIMARY KEY REFERENCES daftar.officers (uid),
    service text NOT NULL CHECK (length(service) BETWEEN 1 AND 100),
    cadre text NOT NULL DEFAULT '' CHECK (length(cadre) <= 100),
    post text NOT NULL CHECK (length(post) BETWEEN 1 AND 200),
    pay_level smallint NOT NULL CHECK (pay_level BETWEEN 1 AND 18),
    date_of_birth date NOT NULL CHECK (date_of_birth >= '1940-01-01'),
    date_of_joining date NOT NULL,
    superannuation date NOT NULL,
    phone text CHECK (phone ~ '^\+?[0-9]{6,15}$'),
    email text CHECK (length(email) <= 254 AND email ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$'),
    version integer NOT NULL DEFAULT 1,
    updated_by text NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    CHECK (date_of_joining >= date_of_birth + interval '18 years')
);
ALTER TABLE {schema}.employees ENABLE ROW LEVEL SECURITY;
