-- nodal_of: the function in force. `daftar migrate` re-applies this file
-- when it changes.
-- The caller is the nodal officer of a department p_uid belongs to: they
-- hold training_nodal in the request's department and p_uid is an active
-- member of it. Keyed on membership: an officer posted elsewhere is
-- reached by the new department's nodal officer from the next request, and
-- no longer by the old one's.
CREATE OR REPLACE FUNCTION {schema}.nodal_of(p_uid text) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT {schema}.nodal()
       AND EXISTS (SELECT FROM daftar.state_members m WHERE m.uid = p_uid AND m.dept = current_setting('daftar.dept'))
$$;
