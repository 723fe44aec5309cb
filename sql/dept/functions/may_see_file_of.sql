-- may_see_file_of: the function in force. `daftar migrate` re-applies this file
-- when it changes; earlier bodies are history in sql/dept/ 0010.
-- The caller may see the file a receipt was put into.
-- Its plan is generic whatever the calling statement asked for (SET plan_cache_mode): it runs once
-- a row of a list planned for its parameters' values (officers_json.sql says why).
CREATE OR REPLACE FUNCTION {schema}.may_see_file_of(p_file uuid) RETURNS boolean
LANGUAGE plpgsql STABLE SET plan_cache_mode = force_generic_plan AS $$
DECLARE
    f {schema}.files;
BEGIN
    SELECT * INTO f FROM {schema}.files WHERE id = p_file;
    RETURN FOUND AND {schema}.may_see(f);
END
$$;
