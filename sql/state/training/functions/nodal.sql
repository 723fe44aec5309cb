-- nodal: the function in force. `daftar migrate` re-applies this file when
-- it changes.
-- The caller is the training nodal officer of the request's department:
-- they hold training_nodal there (daftar.roles are the caller's roles in
-- daftar.dept, set by the server after checking the membership).
CREATE OR REPLACE FUNCTION {schema}.nodal() RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT position(',training_nodal,' IN current_setting('daftar.roles')) > 0 AND current_setting('daftar.dept') <> ''
$$;
