-- seat_leave: the function in force. `daftar migrate` re-applies this file
-- when it changes.
-- The calling officer gives up the place of their enrolment p_enrolment in
-- its batch; a seat given up goes to the first on the waitlist. Returns
-- the enrolment as it stands.
CREATE OR REPLACE FUNCTION {schema}.seat_leave(p_enrolment uuid) RETURNS json
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    e {schema}.enrolments;
    s {schema}.batch_seats;
    v_next text;
BEGIN
    SELECT * INTO e FROM {schema}.enrolments x WHERE x.id = p_enrolment AND x.uid = current_setting('daftar.officer_uid');
    IF NOT FOUND THEN
        RAISE EXCEPTION 'No such enrolment of yours.' USING ERRCODE = 'DF404';
    END IF;
    SELECT * INTO s FROM {schema}.batch_seats x WHERE x.enrolment = e.id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'This enrolment holds no place in a batch.' USING ERRCODE = 'DF404';
    END IF;
    PERFORM FROM {schema}.batches b WHERE b.id = s.batch FOR UPDATE;
    DELETE FROM {schema}.batch_seats x WHERE x.enrolment = e.id;
    PERFORM {schema}.audit_append('batch.leave', e.uid, jsonb_build_object('batch', s.batch, 'enrolment', e.id));
    IF s.status = 'seated' THEN
        UPDATE {schema}.batch_seats x SET status = 'seated', seated_at = now()
        WHERE (x.batch, x.uid) = (SELECT y.batch, y.uid FROM {schema}.batch_seats y WHERE y.batch = s.batch
                                  AND y.status = 'waitlisted' ORDER BY y.booked_at, y.uid LIMIT 1)
        RETURNING x.uid INTO v_next;
        IF v_next IS NOT NULL THEN
            PERFORM {schema}.audit_append('batch.seated', v_next, jsonb_build_object('batch', s.batch, 'from_waitlist', true));
        END IF;
    END IF;
    RETURN {schema}.enrolment_detail(e);
END
$$;
