-- custodian_of: the function in force. `daftar migrate` re-applies this file
-- when it changes.
-- The caller is the APAR custodian of department p_dept: the request runs in
-- that department (daftar.dept, membership checked by the server) and the
-- caller holds apar_custodian there.
CREATE OR REPLACE FUNCTION {schema}.custodian_of(p_dept text) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT current_setting('daftar.dept') = p_dept
       AND position(',apar_custodian,' IN current_setting('daftar.roles')) > 0
$$;
