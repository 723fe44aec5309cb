-- batch_change: the function in force. `daftar migrate` re-applies this
-- file when it changes.
-- training_admin changes batch p_id of course p_course at version
-- p_version before it begins (India time): new days, venue or capacity
-- (NULL: unchanged), or, with p_cancel_reason, cancels it. Capacity does
-- not go below the officers seated (nobody is unseated by an edit); more
-- seats go to the waitlist in the order booked. A cancelled batch gives up
-- every place (the enrolments stand) and is changed no more. Whoever held
-- a place hears of it (training.batch_changed / training.batch_cancelled).
-- Returns the batch and its version.
CREATE OR REPLACE FUNCTION {schema}.batch_change(p_course uuid, p_id uuid, p_version integer, p_starts date, p_ends date,
                                                 p_venue text, p_capacity integer, p_cancel_reason text)
RETURNS TABLE (batch json, version integer)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    b {schema}.batches;
    v_today date := (now() AT TIME ZONE 'Asia/Kolkata')::date;
    v_seated integer;
    v_holders text[];
    v_promoted text[];
BEGIN
    IF NOT {schema}.administers() THEN
        RAISE EXCEPTION 'Only the state''s training administrators change batches.' USING ERRCODE = 'DF403', HINT = 'needs-training-admin';
    END IF;
    SELECT * INTO b FROM {schema}.batches x WHERE x.id = p_id AND x.course = p_course FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'No such batch of this course.' USING ERRCODE = 'DF404';
    ELSIF b.version <> p_version THEN
        RAISE EXCEPTION 'The batch changed since you read it; read it again.' USING ERRCODE = 'DF412';
    ELSIF b.cancelled_at IS NOT NULL THEN
        RAISE EXCEPTION 'This batch was cancelled.' USING ERRCODE = 'DF409', HINT = 'batch-cancelled';
    ELSIF b.starts_on <= v_today THEN
        RAISE EXCEPTION 'A batch that has begun is not changed.' USING ERRCODE = 'DF409', HINT = 'batch-begun';
    END IF;
    SELECT array_agg(s.uid ORDER BY s.uid), count(*) FILTER (WHERE s.status = 'seated')
    INTO v_holders, v_seated FROM {schema}.batch_seats s WHERE s.batch = b.id;
    IF p_cancel_reason IS NOT NULL THEN
        DELETE FROM {schema}.batch_seats s WHERE s.batch = b.id;
        UPDATE {schema}.batches x SET cancelled_at = now(), cancel_reason = p_cancel_reason, version = x.version + 1
        WHERE x.id = b.id RETURNING * INTO b;
        PERFORM {schema}.audit_append('batch.cancel', b.id::text, jsonb_build_object('places_given_up', cardinality(v_holders)));
        PERFORM {schema}.event_publish('training.batch_cancelled', b.id, coalesce(v_holders[1:500], '{}'),
                                       jsonb_build_object('course', b.course, 'starts_on', b.starts_on));
        RETURN QUERY SELECT {schema}.batch_json(b), b.version;
        RETURN;
    END IF;
    IF coalesce(p_starts, b.starts_on) <= v_today THEN
        RAISE EXCEPTION 'A batch starts after today.' USING ERRCODE = 'DF422', HINT = 'batch-start-past';
    ELSIF coalesce(p_ends, b.ends_on) < coalesce(p_starts, b.starts_on) THEN
        RAISE EXCEPTION 'A batch ends on or after its first day.' USING ERRCODE = 'DF422', HINT = 'batch-dates-reversed';
    ELSIF coalesce(p_capacity, b.capacity) < v_seated THEN
        RAISE EXCEPTION '% officers are seated; the capacity does not go below them.', v_seated USING ERRCODE = 'DF422', HINT = 'batch-capacity-below-seated';
    END IF;
    UPDATE {schema}.batches x
    SET starts_on = coalesce(p_starts, x.starts_on), ends_on = coalesce(p_ends, x.ends_on),
        venue = coalesce(p_venue, x.venue), capacity = coalesce(p_capacity, x.capacity), version = x.version + 1
    WHERE x.id = b.id RETURNING * INTO b;
    WITH next AS (SELECT y.uid FROM {schema}.batch_seats y WHERE y.batch = b.id AND y.status = 'waitlisted'
                  ORDER BY y.booked_at, y.uid LIMIT greatest(b.capacity - v_seated, 0)),
         seated AS (UPDATE {schema}.batch_seats x SET status = 'seated', seated_at = now()
                    FROM next WHERE x.batch = b.id AND x.uid = next.uid RETURNING x.uid)
    SELECT array_agg(uid) INTO v_promoted FROM seated;
    PERFORM {schema}.audit_append('batch.change', b.id::text,
                           jsonb_build_object('version', b.version, 'seated_from_waitlist', coalesce(cardinality(v_promoted), 0)));
    PERFORM {schema}.event_publish('training.batch_changed', b.id, coalesce(v_holders[1:500], '{}'),
                                   jsonb_build_object('course', b.course, 'starts_on', b.starts_on, 'ends_on', b.ends_on,
                                                      'venue', b.venue));
    RETURN QUERY SELECT {schema}.batch_json(b), b.version;
END
$$;
