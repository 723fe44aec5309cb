-- held_before: the function in force. `daftar migrate` re-applies this file
-- when it changes; earlier bodies are history in sql/dept/ 0010.
-- The caller created or once held the file (file_access).
-- Its plan is generic whatever the calling statement asked for (SET plan_cache_mode): it runs once
-- a row of a list planned for its parameters' values (officers_json.sql says why).
CREATE OR REPLACE FUNCTION {schema}.held_before(p_file uuid) RETURNS boolean
LANGUAGE plpgsql STABLE SET plan_cache_mode = force_generic_plan AS $$
BEGIN
    RETURN EXISTS (SELECT 1 FROM {schema}.file_access a WHERE a.file_id = p_file AND a.uid = {schema}.me());
END
$$;
