-- file_json: the function in force. `daftar migrate` re-applies this file
-- when it changes; earlier bodies are history in sql/dept/ 0002, 0005.
-- `officers`: the name and designation of each UID in it (officers_json); the shape is
-- file_json_with's.
CREATE OR REPLACE FUNCTION {schema}.file_json(f {schema}.files) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT {schema}.file_json_with(f, {schema}.officers_json(ARRAY[f.created_by, f.holder, f.decided_by]))
$$;
