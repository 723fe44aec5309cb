-- sees_leave_of: the function in force. `daftar migrate` re-applies this
-- file when it changes.
-- The caller may read p_uid's leave: it is their own, or they are the
-- establishment, a section officer or the head of office of the request's
-- department and p_uid belongs to it (in_charge.sql).
CREATE OR REPLACE FUNCTION {schema}.sees_leave_of(p_uid text) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT p_uid = current_setting('daftar.officer_uid')
        OR {schema}.in_charge(p_uid, 'establishment') OR {schema}.in_charge(p_uid, 'section_officer')
        OR {schema}.in_charge(p_uid, 'hoo')
$$;
