-- seat_take: the function in force. `daftar migrate` re-applies this file
-- when it changes.
-- Open enrolment p_enrolment (its callers check whose) takes a place in
-- batch p_batch of its course: 'seated' while the batch has a free seat,
-- else 'waitlisted' (in the order booked); 'already' when it holds a place
-- in that batch. One place an enrolment: a place in another batch is
-- refused (give it up first), and so is a cancelled batch. The batch's row is locked, so two officers
-- never take its last seat.
CREATE OR REPLACE FUNCTION {schema}.seat_take(p_enrolment uuid, p_batch uuid, OUT result text, OUT status text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    e {schema}.enrolments;
    b {schema}.batches;
    s {schema}.batch_seats;
BEGIN
    SELECT * INTO e FROM {schema}.enrolments x WHERE x.id = p_enrolment;
    SELECT * INTO b FROM {schema}.batches x WHERE x.id = p_batch AND x.course = e.course FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'No such batch of this course.' USING ERRCODE = 'DF422', HINT = 'batch-not-of-course';
    END IF;
    SELECT * INTO s FROM {schema}.batch_seats x WHERE x.enrolment = e.id;
    IF FOUND AND s.batch = b.id THEN
        result := 'already';
        status := s.status;
        RETURN;
    ELSIF FOUND THEN
        RAISE EXCEPTION 'Already booked into another batch of this course; give that place up first.' USING ERRCODE = 'DF409', HINT = 'batch-booked-already';
    ELSIF b.cancelled_at IS NOT NULL THEN
        RAISE EXCEPTION 'This batch was cancelled.' USING ERRCODE = 'DF422', HINT = 'batch-cancelled';
    ELSIF b.ends_on < (now() AT TIME ZONE 'Asia/Kolkata')::date THEN
        RAISE EXCEPTION 'This batch is over.' USING ERRCODE = 'DF422', HINT = 'batch-over';
    END IF;
    status := CASE WHEN (SELECT count(*) FROM {schema}.batch_seats x WHERE x.batch = b.id AND x.status = 'seated') < b.capacity
                   THEN 'seated' ELSE 'waitlisted' END;
    INSERT INTO {schema}.batch_seats (batch, enrolment, uid, status, seated_at)
    VALUES (b.id, e.id, e.uid, status, CASE WHEN status = 'seated' THEN now() END);
    result := 'booked';
    PERFORM {schema}.audit_append('batch.' || status, e.uid, jsonb_build_object('batch', b.id, 'enrolment', e.id));
END
$$;
