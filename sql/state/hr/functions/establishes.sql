-- establishes: the function in force. `daftar migrate` re-applies this file
-- when it changes.
-- The caller keeps p_uid's records: they hold the establishment role in the
-- request's department (daftar.roles are the caller's roles there, set by
-- the server after checking the membership), and p_uid is an active member
-- of that department. Keyed on membership, not on a schema: the records
-- follow the officer, and the establishment of each department the officer
-- belongs to reaches them.
CREATE OR REPLACE FUNCTION {schema}.establishes(p_uid text) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT position(',establishment,' IN current_setting('daftar.roles')) > 0
       AND current_setting('daftar.dept') <> ''
       AND EXISTS (SELECT FROM daftar.state_members m
                   WHERE m.uid = p_uid AND m.dept = current_setting('daftar.dept'))
$$;
