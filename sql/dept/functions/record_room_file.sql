-- record_room_file: file p_id, locked, for the keeper of the record room
-- (department 0030): 403 needs-records-officer unless the caller is a
-- records officer or dept_admin (record_keeper), 404 unless the file is
-- there and they are cleared for it.
CREATE OR REPLACE FUNCTION {schema}.record_room_file(p_id uuid) RETURNS {schema}.files
LANGUAGE plpgsql AS $$
DECLARE
    f {schema}.files;
BEGIN
    PERFORM {schema}.record_keeper();
    SELECT * INTO f FROM {schema}.files WHERE id = p_id FOR UPDATE;
    IF NOT FOUND OR NOT {schema}.cleared_for(f.classification) THEN
        RAISE EXCEPTION 'No such file.' USING ERRCODE = 'DF404';
    END IF;
    RETURN f;
END
$$;
