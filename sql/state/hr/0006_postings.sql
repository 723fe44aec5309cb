-- 0006_postings: posting, transfer and promotion orders. The establishment
-- of the officer's department orders one with an effective date; on or
-- after it that establishment relieves the officer (their membership of
-- the department ends), and the establishment of the department named
-- joins them (a membership with the order's roles and designation
-- starts); each step enters a draft in the service book for the head of
-- office to attest. Memberships change through the one catalog function
-- a statewide scope may call, daftar.posting_membership.
CREATE TABLE {schema}.postings (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    uid text NOT NULL REFERENCES daftar.officers (uid),
    kind text NOT NULL CHECK (kind IN ('posting', 'transfer', 'promotion')),
    from_dept text NOT NULL,
    to_dept text NOT NULL,
    designation text NOT NULL CHECK (length(designation) BETWEEN 1 AND 200),
    roles text[] NOT NULL CHECK (cardinality(roles) BETWEEN 1 AND 9),
    order_no text NOT NULL CHECK (length(order_no) BETWEEN 1 AND 100),
    effective date NOT NULL,
    status text NOT NULL DEFAULT 'ordered' CHECK (status IN ('ordered', 'relieved', 'joined', 'cancelled')),
    ordered_by text NOT NULL,
    ordered_at timestamptz NOT NULL DEFAULT now(),
    relieved_by text,
    relieved_at timestamptz,
    joined_by text,
    joined_at timestamptz,
    version integer NOT NULL DEFAULT 1
);
CREATE INDEX postings_from ON {schema}.postings (from_dept, ordered_at);
CREATE INDEX postings_to ON {schema}.postings (to_dept, ordered_at);
CREATE INDEX postings_uid ON {schema}.postings (uid);
ALTER TABLE {schema}.postings ENABLE ROW LEVEL SECURITY;
