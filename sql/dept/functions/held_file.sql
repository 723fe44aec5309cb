-- held_file: the function in force. `daftar migrate` re-applies this file
-- when it changes; earlier bodies are history in sql/dept/ 0003.
-- The file if the caller holds it, or holds its holder's acting charge (for
-- writing notes); raises otherwise.
CREATE OR REPLACE FUNCTION {schema}.held_file(p_id uuid) RETURNS {schema}.files
LANGUAGE plpgsql AS $$
DECLARE
    f {schema}.files;
BEGIN
    SELECT * INTO f FROM {schema}.files WHERE id = p_id FOR UPDATE;
    IF NOT FOUND OR NOT {schema}.may_see(f) THEN
        RAISE EXCEPTION 'No such file.' USING ERRCODE = 'DF404';
    END IF;
    IF NOT {schema}.acts_for(f.holder) THEN
        RAISE EXCEPTION 'Only the current holder writes on the notesheet.' USING ERRCODE = 'DF403', HINT = 'not-the-holder';
    END IF;
    IF f.status = 'closed' THEN
        RAISE EXCEPTION 'The file is closed.' USING ERRCODE = 'DF409', HINT = 'file-closed';
    END IF;
    RETURN f;
END
$$;
