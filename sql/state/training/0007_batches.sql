-- 0007_batches: classroom batches of a course (issue 21): dates, a venue
-- and a capacity, made by training_admin. An officer's enrolment takes a
-- seat in one batch of its course, seated while seats remain, else on the
-- batch's waitlist in the order booked; a seat given up goes to the first
-- waiting. A seat row holds the UID, the enrolment and dates, nothing else
-- about the officer; written by the SECURITY DEFINER functions alone
-- (batch_*.sql, seat_*.sql), read under batch_seats_policies.sql.
CREATE TABLE {schema}.batches (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    course uuid NOT NULL REFERENCES {schema}.courses (id),
    starts_on date NOT NULL,
    ends_on date NOT NULL,
    venue text NOT NULL CHECK (length(venue) BETWEEN 1 AND 200),
    capacity integer NOT NULL CHECK (capacity BETWEEN 1 AND 1000),
    created_by text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CHECK (ends_on >= starts_on)
);
CREATE INDEX batches_course ON {schema}.batches (course, starts_on);
ALTER TABLE {schema}.batches ENABLE ROW LEVEL SECURITY;

CREATE TABLE {schema}.batch_seats (
    batch uuid NOT NULL REFERENCES {schema}.batches (id),
    enrolment uuid NOT NULL UNIQUE REFERENCES {schema}.enrolments (id),
    uid text NOT NULL REFERENCES daftar.officers (uid),
    status text NOT NULL CHECK (status IN ('seated', 'waitlisted')),
    booked_at timestamptz NOT NULL DEFAULT clock_timestamp(),  -- the waitlist's order
    seated_at timestamptz,
    PRIMARY KEY (batch, uid)
);
CREATE INDEX batch_seats_uid ON {schema}.batch_seats (uid);
CREATE INDEX batch_seats_waiting ON {schema}.batch_seats (batch, booked_at) WHERE status = 'waitlisted';
ALTER TABLE {schema}.batch_seats ENABLE ROW LEVEL SECURITY;
-- Batches are part of the catalogue: read-only for the role (the migration
-- runner checks it), made by batch_create alone.
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON {schema}.batches FROM {role};
COMMENT ON TABLE {schema}.batches IS 'read-only';
