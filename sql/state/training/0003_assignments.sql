-- 0003_assignments: mandatory courses and who takes them. An assignment
-- makes a course mandatory for an audience of a department (dept) or of
-- every department (dept NULL: a state assignment), by a deadline, with a
-- target percentage. Its roster (assignees) is who it reaches in each
-- department, taken from the department's memberships when the assignment
-- is made and whenever its nodal officer syncs it; compliance is counted
-- on the roster. Enrolments are an officer's taking of a course (one open
-- at a time), by themselves or by their nodal officer. Rows hold UIDs and
-- dates, nothing else about an officer. Writes go through the SECURITY
-- DEFINER functions (assignment_*.sql, enrol*.sql); the policies give the
-- role reads.
CREATE TABLE {schema}.assignments (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    dept text,                                         -- NULL: every department
    course uuid NOT NULL REFERENCES {schema}.courses (id),
    audience text NOT NULL CHECK (audience IN ('department', 'role', 'designation')),
    audience_value text NOT NULL DEFAULT '' CHECK (length(audience_value) <= 100),
    deadline date NOT NULL,
    target smallint NOT NULL CHECK (target BETWEEN 1 AND 100),
    overdue_at timestamptz,                            -- set by the deadline's timer
    version integer NOT NULL DEFAULT 1,
    created_by text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CHECK ((audience = 'department') = (audience_value = ''))
);
CREATE INDEX assignments_dept ON {schema}.assignments (dept, created_at);
ALTER TABLE {schema}.assignments ENABLE ROW LEVEL SECURITY;

CREATE TABLE {schema}.assignees (
    assignment uuid NOT NULL REFERENCES {schema}.assignments (id),
    dept text NOT NULL,
    uid text NOT NULL REFERENCES daftar.officers (uid),
    added_at timestamptz NOT NULL DEFAULT now(),
    overdue boolean NOT NULL DEFAULT false,            -- not complete when the deadline passed (marked by the timer)
    PRIMARY KEY (assignment, dept, uid)
);
CREATE INDEX assignees_uid ON {schema}.assignees (uid);
ALTER TABLE {schema}.assignees ENABLE ROW LEVEL SECURITY;

CREATE TABLE {schema}.enrolments (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    uid text NOT NULL REFERENCES daftar.officers (uid),
    course uuid NOT NULL REFERENCES {schema}.courses (id),
    source text NOT NULL CHECK (source IN ('self', 'nodal')),
    enrolled_by text NOT NULL,
    enrolled_at timestamptz NOT NULL DEFAULT now(),
    status text NOT NULL DEFAULT 'enrolled' CHECK (status IN ('enrolled', 'completed')),
    completed_at timestamptz,
    version integer NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX enrolments_open ON {schema}.enrolments (uid, course) WHERE status = 'enrolled';
CREATE INDEX enrolments_uid ON {schema}.enrolments (uid, enrolled_at);
ALTER TABLE {schema}.enrolments ENABLE ROW LEVEL SECURITY;
