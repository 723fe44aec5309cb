-- administers: the function in force. `daftar migrate` re-applies this file
-- when it changes.
-- The caller manages the state's catalogue and state assignments: they
-- hold training_admin in the department the state named (settings
-- admin_dept), read from their own memberships (daftar.state_members shows
-- the caller's own), not from what the request claims. A membership of any
-- other department with training_admin gives nothing; a service account
-- never holds it (catalog 0022).
CREATE OR REPLACE FUNCTION {schema}.administers() RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT FROM daftar.state_members m JOIN {schema}.settings s ON s.name = 'admin_dept' AND s.value = m.dept
                   WHERE m.uid = current_setting('daftar.officer_uid') AND 'training_admin' = ANY (m.roles))
$$;
