-- holiday_add: the function in force. `daftar migrate` re-applies this file
-- when it changes.
-- The establishment of the request's department adds a holiday to its
-- calendar (leave_days counts it; applications already made keep their days).
CREATE OR REPLACE FUNCTION {schema}.holiday_add(p_day date, p_name text) RETURNS json
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF position(',establishment,' IN current_setting('daftar.roles')) = 0 OR current_setting('daftar.dept') = '' THEN
        RAISE EXCEPTION 'The establishment keeps the holiday calendar.' USING ERRCODE = 'DF403', HINT = 'needs-establishment';
    END IF;
    INSERT INTO {schema}.holidays (dept, day, name) VALUES (current_setting('daftar.dept'), p_day, p_name)
    ON CONFLICT (dept, day) DO UPDATE SET name = excluded.name;
    PERFORM {schema}.audit_append('holiday.add', current_setting('daftar.dept'),
                           jsonb_build_object('day', p_day, 'name', p_name));
    RETURN json_build_object('day', p_day, 'name', p_name);
END
$$;
