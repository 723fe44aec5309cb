-- record_keeper: the caller keeps the record room (records officer or
-- dept_admin, department 0030); raises 403 needs-records-officer otherwise.
CREATE OR REPLACE FUNCTION {schema}.record_keeper() RETURNS void
LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF NOT ({schema}.has_role('records_officer') OR {schema}.has_role('dept_admin')) THEN
        RAISE EXCEPTION 'The record room is kept by the records officer.' USING ERRCODE = 'DF403',
            HINT = 'needs-records-officer';
    END IF;
END
$$;
