-- 0003_service_book: the legal record of an officer's career. The
-- establishment of a department the officer belongs to enters an entry (a
-- draft), the head of office of that department attests it; attested
-- entries never change (the policies let no one update them and the role
-- may not delete) and are hash-chained per officer in the order attested,
-- like notes: hash = SHA-256(previous hash || canonical text). A correction
-- is a new entry naming the one it corrects. The officer may object to an
-- entry with remarks; the establishment answers (corrected, naming the
-- correcting entry, or rejected with reasons); both see the thread.
CREATE TABLE {schema}.service_book (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uid text NOT NULL REFERENCES daftar.officers (uid),
    n integer NOT NULL,                      -- the entry's number in the officer's book
    kind text NOT NULL CHECK (kind IN ('appointment', 'confirmation', 'promotion', 'posting', 'pay_fixation',
                                       'increment', 'leave', 'training', 'deputation', 'suspension', 'penalty',
                                       'award', 'nomination')),
    effective date NOT NULL,
    details text NOT NULL CHECK (length(details) BETWEEN 1 AND 4000),
    corrects integer,                        -- n of the entry this one corrects
    dept text NOT NULL,                      -- entered from
    entered_by text NOT NULL,
    entered_at timestamptz NOT NULL DEFAULT now(),
    version integer NOT NULL DEFAULT 1,
    status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'attested')),
    attested_by text,
    attested_at timestamptz,
    chain integer,                           -- position among the officer's attested entries, 1..
    prev_hash text,
    hash text,
    UNIQUE (uid, n),
    UNIQUE (uid, chain),
    CHECK ((status = 'draft') = (attested_by IS NULL AND hash IS NULL AND chain IS NULL))
);
ALTER TABLE {schema}.service_book ENABLE ROW LEVEL SECURITY;

CREATE TABLE {schema}.objections (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uid text NOT NULL REFERENCES daftar.officers (uid),
    n integer NOT NULL,                      -- the entry objected to
    remarks text NOT NULL CHECK (length(remarks) BETWEEN 1 AND 2000),
    raised_at timestamptz NOT NULL DEFAULT now(),
    status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'corrected', 'rejected')),
    answer text CHECK (length(answer) <= 2000),
    correction integer,                      -- n of the correcting entry
    answered_by text,
    answered_at timestamptz,
    FOREIGN KEY (uid, n) REFERENCES {schema}.service_book (uid, n),
    CHECK ((status = 'open') = (answered_by IS NULL)),
    CHECK (status <> 'corrected' OR correction IS NOT NULL),
    CHECK (status <> 'rejected' OR length(answer) > 0)
);
ALTER TABLE {schema}.objections ENABLE ROW LEVEL SECURITY;
CREATE INDEX objections_open ON {schema}.objections (uid) WHERE status = 'open';
