-- held_before: the function in force. `daftar migrate` re-applies this file
-- when it changes; earlier bodies are history in sql/dept/ 0010.
-- The caller created or once held the file (file_access).
CREATE OR REPLACE FUNCTION {schema}.held_before(p_file uuid) RETURNS boolean
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN EXISTS (SELECT 1 FROM {schema}.file_access a WHERE a.file_id = p_file AND a.uid = {schema}.me());
END
$$;
