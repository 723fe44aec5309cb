-- held_version: the function in force. `daftar migrate` re-applies this file
-- when it changes; earlier bodies are history in sql/dept/ 0005.
-- The open file the caller holds at the version they read, locked; raises otherwise.
CREATE OR REPLACE FUNCTION {schema}.held_version(p_id uuid, p_version integer) RETURNS {schema}.files
LANGUAGE plpgsql AS $$
DECLARE
    f {schema}.files := {schema}.held_file(p_id);
BEGIN
    IF f.version <> p_version THEN
        RAISE EXCEPTION 'The file has changed since you read it.' USING ERRCODE = 'DF412';
    END IF;
    IF f.status <> 'open' THEN
        RAISE EXCEPTION 'Only an open file can be changed.' USING ERRCODE = 'DF409';
    END IF;
    RETURN f;
END
$$;
