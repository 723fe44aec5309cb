-- 0024_directory: what the department directory (GET /v1/departments/{dept}/directory)
-- shows beside a name and designation: the officer's section in that department,
-- set by its administrators (PATCH .../officers/{uid}); and an index that finds a
-- department's members without scanning every membership of the state.
ALTER TABLE daftar.memberships ADD COLUMN section text NOT NULL DEFAULT ''
    CHECK (section ~ '^([A-Z0-9][A-Z0-9-]{0,15})?$');
CREATE INDEX memberships_dept ON daftar.memberships (dept, uid);
