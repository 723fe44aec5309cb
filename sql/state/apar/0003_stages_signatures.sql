-- 0003_stages_signatures: the stage log and the levels' signatures.
-- stages: every move of a form from one stage to the next, by whom (the
-- officer whose submission moved it, the custodian, or 'timer' when a date
-- passed), whose turn it was at the stage left (authority) and whether that
-- authority missed its date: the custodian's days late per authority and
-- the form's track come from here. Stage and dates only, never content.
-- signatures: a level's detached CMS signature over its submission's hash
-- (lib/kit signed writes), verified by the server before it is stored; one
-- per submission, by the officer who submitted it. Both append-only.
CREATE TABLE {schema}.stages (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    form uuid NOT NULL REFERENCES {schema}.forms (id),
    from_stage text NOT NULL,
    to_stage text NOT NULL,
    at timestamptz NOT NULL DEFAULT now(),
    by_uid text NOT NULL,
    authority text,                          -- whose turn it was at from_stage (NULL: none mapped)
    due timestamptz,                         -- from_stage's date
    missed boolean NOT NULL DEFAULT false,   -- the date passed and the form moved on by itself
    days_late integer NOT NULL DEFAULT 0 CHECK (days_late >= 0)
);
CREATE INDEX stages_form ON {schema}.stages (form, id);
COMMENT ON TABLE {schema}.stages IS 'append-only';
REVOKE UPDATE, DELETE, TRUNCATE ON {schema}.stages FROM {role};
ALTER TABLE {schema}.stages ENABLE ROW LEVEL SECURITY;

CREATE TABLE {schema}.signatures (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    form uuid NOT NULL REFERENCES {schema}.forms (id),
    seq integer NOT NULL,
    uid text NOT NULL,
    hash text NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$'),
    fingerprint text NOT NULL,
    subject text NOT NULL,
    issuer text NOT NULL,
    serial text NOT NULL,
    not_after timestamptz NOT NULL,
    signing_time timestamptz,
    cms bytea NOT NULL,
    at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (form, seq),
    FOREIGN KEY (form, seq) REFERENCES {schema}.submissions (form, seq)
);
COMMENT ON TABLE {schema}.signatures IS 'append-only';
REVOKE UPDATE, DELETE, TRUNCATE ON {schema}.signatures FROM {role};
ALTER TABLE {schema}.signatures ENABLE ROW LEVEL SECURITY;
