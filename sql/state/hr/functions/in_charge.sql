-- in_charge: the function in force. `daftar migrate` re-applies this file
-- when it changes.
-- The caller acts on p_uid's records with role p_role: they hold p_role in
-- the request's department (daftar.roles are the caller's roles there, set
-- by the server after checking the membership), and p_uid is an active
-- member of that department. Keyed on membership, not on a schema: the
-- records follow the officer, and each department they belong to reaches
-- them through its own establishment (`establishment`) and head of office
-- (`hoo`).
CREATE OR REPLACE FUNCTION {schema}.in_charge(p_uid text, p_role text) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT position(',' || p_role || ',' IN current_setting('daftar.roles')) > 0
       AND current_setting('daftar.dept') <> ''
       AND EXISTS (SELECT FROM daftar.state_members m
                   WHERE m.uid = p_uid AND m.dept = current_setting('daftar.dept'))
$$;
