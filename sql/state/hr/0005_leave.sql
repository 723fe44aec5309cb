-- 0005_leave: leave from a ledger. Leave types are data a state may change
-- (seeded with the central rules); every credit, debit, reversal and lapse
-- is a row of the ledger with the application or rule that caused it, and
-- a balance is always the sum of its rows (no stored balance to disagree).
-- Applications wait at the levels of their chain (roles of the applicant's
-- department, by type and length); a level that waits past its date
-- escalates (a timer). Writes go through the SECURITY DEFINER functions of
-- functions/leave_*.sql only: the policies give the scope's role reads.
CREATE TABLE {schema}.leave_types (
    code text PRIMARY KEY CHECK (code ~ '^[A-Z]{2,10}$'),
    name text NOT NULL,
    name_hi text NOT NULL,
    credit numeric(5, 1) NOT NULL DEFAULT 0,     -- days credited in advance ...
    credit_months integer[] NOT NULL DEFAULT '{}', -- ... on the 1st of these months
    cap numeric(6, 1),                            -- a balance never credited above
    lapses boolean NOT NULL DEFAULT false,        -- what is left lapses at the end of the year
    career numeric(6, 1),                         -- credited once in a career (child care leave)
    per_occasion numeric(6, 1),                   -- no ledger: at most this many days an application (maternity)
    debit_from text REFERENCES {schema}.leave_types (code), -- commuted leave debits half-pay leave ...
    debit_factor numeric(3, 1) NOT NULL DEFAULT 1,           -- ... twice its days
    working_days boolean NOT NULL DEFAULT false,  -- counts working days only (Sundays and holidays not), else calendar days
    combinable boolean NOT NULL DEFAULT true      -- may be taken next to other leave
);
INSERT INTO {schema}.leave_types (code, name, name_hi, credit, credit_months, cap, lapses, career, per_occasion, debit_from,
                                  debit_factor, working_days, combinable) VALUES
    ('CL', 'Casual leave', 'आकस्मिक अवकाश', 8, '{1}', NULL, true, NULL, NULL, NULL, 1, true, false),
    ('EL', 'Earned leave', 'अर्जित अवकाश', 15, '{1,7}', 300, false, NULL, NULL, NULL, 1, false, true),
    ('HPL', 'Half pay leave', 'अर्ध वेतन अवकाश', 10, '{1,7}', NULL, false, NULL, NULL, NULL, 1, false, true),
    ('COMM', 'Commuted leave', 'परिवर्तित अवकाश', 0, '{}', NULL, false, NULL, NULL, 'HPL', 2, false, true),
    ('ML', 'Maternity leave', 'प्रसूति अवकाश', 0, '{}', NULL, false, NULL, 180, NULL, 1, false, true),
    ('CCL', 'Child care leave', 'शिशु देखभाल अवकाश', 0, '{}', NULL, false, 730, NULL, NULL, 1, false, true);
ALTER TABLE {schema}.leave_types ENABLE ROW LEVEL SECURITY;

-- Who approves: the roles of the applicant's department, level by level, for
-- a type and applications of at least min_days; dept '*' is the state's
-- default, a department's own rows take precedence.
CREATE TABLE {schema}.leave_chains (
    dept text NOT NULL,
    type text NOT NULL REFERENCES {schema}.leave_types (code),
    min_days numeric(5, 1) NOT NULL DEFAULT 0,
    roles text[] NOT NULL CHECK (cardinality(roles) BETWEEN 1 AND 5),
    PRIMARY KEY (dept, type, min_days)
);
INSERT INTO {schema}.leave_chains (dept, type, min_days, roles) VALUES
    ('*', 'CL', 0, '{section_officer}'),
    ('*', 'EL', 0, '{section_officer}'),
    ('*', 'EL', 30.5, '{section_officer,hoo}'),
    ('*', 'HPL', 0, '{section_officer,hoo}'),
    ('*', 'COMM', 0, '{section_officer,hoo}'),
    ('*', 'ML', 0, '{section_officer,hoo}'),
    ('*', 'CCL', 0, '{section_officer,hoo}');
ALTER TABLE {schema}.leave_chains ENABLE ROW LEVEL SECURITY;
INSERT INTO {schema}.settings (name, value) VALUES ('leave_level_days', '3');

-- A department's holidays (Sundays are never working days).
CREATE TABLE {schema}.holidays (
    dept text NOT NULL,
    day date NOT NULL,
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    PRIMARY KEY (dept, day)
);
ALTER TABLE {schema}.holidays ENABLE ROW LEVEL SECURITY;

CREATE TABLE {schema}.leave_applications (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    uid text NOT NULL REFERENCES daftar.officers (uid),
    dept text NOT NULL,                      -- the department whose chain decides
    type text NOT NULL REFERENCES {schema}.leave_types (code),
    from_date date NOT NULL,
    to_date date NOT NULL,
    days numeric(6, 1) NOT NULL CHECK (days > 0),
    reason text NOT NULL DEFAULT '' CHECK (length(reason) <= 1000),
    extends uuid REFERENCES {schema}.leave_applications (id),
    status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected', 'cancelled')),
    roles text[] NOT NULL,                   -- the chain, level by level
    level integer NOT NULL DEFAULT 1,        -- waiting at roles[level] while pending
    waiting_role text,                       -- who acts now (roles[level], or higher after an escalation)
    level_due timestamptz,
    escalated boolean NOT NULL DEFAULT false,
    version integer NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CHECK (to_date >= from_date)
);
CREATE INDEX leave_applications_uid ON {schema}.leave_applications (uid, from_date);
CREATE INDEX leave_applications_waiting ON {schema}.leave_applications (dept, waiting_role) WHERE status = 'pending';
ALTER TABLE {schema}.leave_applications ENABLE ROW LEVEL SECURITY;

-- What happened to an application, in order: never changed.
CREATE TABLE {schema}.leave_actions (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application uuid NOT NULL REFERENCES {schema}.leave_applications (id),
    at timestamptz NOT NULL DEFAULT now(),
    by text NOT NULL,
    action text NOT NULL,
    level integer NOT NULL,
    remarks text NOT NULL DEFAULT ''
);
CREATE INDEX leave_actions_application ON {schema}.leave_actions (application, id);
COMMENT ON TABLE {schema}.leave_actions IS 'append-only';
REVOKE UPDATE, DELETE, TRUNCATE ON {schema}.leave_actions FROM {role};
ALTER TABLE {schema}.leave_actions ENABLE ROW LEVEL SECURITY;

-- The ledger: a balance is the sum of an officer's rows of a type. A rule
-- (a periodic credit 'EL:2027-01', a career credit 'CCL:career', a lapse
-- 'CL:lapse:2026') happens once per officer and type.
CREATE TABLE {schema}.leave_ledger (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uid text NOT NULL REFERENCES daftar.officers (uid),
    type text NOT NULL REFERENCES {schema}.leave_types (code),
    days numeric(6, 1) NOT NULL CHECK (days <> 0),
    kind text NOT NULL CHECK (kind IN ('credit', 'debit', 'reversal', 'lapse')),
    rule text,
    application uuid REFERENCES {schema}.leave_applications (id),
    at timestamptz NOT NULL DEFAULT now(),
    by text NOT NULL,
    UNIQUE (uid, type, rule)
);
CREATE INDEX leave_ledger_uid ON {schema}.leave_ledger (uid, type);
COMMENT ON TABLE {schema}.leave_ledger IS 'append-only';
REVOKE UPDATE, DELETE, TRUNCATE ON {schema}.leave_ledger FROM {role};
ALTER TABLE {schema}.leave_ledger ENABLE ROW LEVEL SECURITY;
