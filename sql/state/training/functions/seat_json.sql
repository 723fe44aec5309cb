-- seat_json: the function in force. `daftar migrate` re-applies this file
-- when it changes.
-- An enrolment's place in a classroom batch as the API shows it, within
-- the enrolment: the batch's days and venue, seated or waitlisted, and a
-- waiting officer's place in the queue (counted past the policies: the
-- caller read the seat row itself under them).
CREATE OR REPLACE FUNCTION {schema}.seat_json(s {schema}.batch_seats) RETURNS json
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT json_build_object('id', b.id, 'starts_on', b.starts_on, 'ends_on', b.ends_on, 'venue', b.venue,
                             'status', s.status, 'seated_at', s.seated_at,
                             'waitlist_position', CASE WHEN s.status = 'waitlisted' THEN
                                 (SELECT count(*) + 1 FROM {schema}.batch_seats w WHERE w.batch = s.batch
                                  AND w.status = 'waitlisted' AND (w.booked_at, w.uid) < (s.booked_at, s.uid)) END)
    FROM {schema}.batches b WHERE b.id = s.batch
$$;
