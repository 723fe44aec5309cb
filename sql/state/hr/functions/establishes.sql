-- establishes: the function in force. `daftar migrate` re-applies this file
-- when it changes.
-- The caller keeps p_uid's records: the establishment of a department
-- p_uid belongs to (in_charge.sql).
CREATE OR REPLACE FUNCTION {schema}.establishes(p_uid text) RETURNS boolean
LANGUAGE sql STABLE AS $$ SELECT {schema}.in_charge(p_uid, 'establishment') $$;
