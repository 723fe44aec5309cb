-- batch_json: the function in force. `daftar migrate` re-applies this file
-- when it changes.
-- A classroom batch as the API shows it: dates, venue, capacity and how
-- many are seated and waiting (numbers: counted past the policies, so
-- every reader sees the same; who is seated is progress, not shown), its
-- version, and when and why it was cancelled.
CREATE OR REPLACE FUNCTION {schema}.batch_json(b {schema}.batches) RETURNS json
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT json_build_object('id', b.id, 'course', {schema}.course_ref(b.course), 'starts_on', b.starts_on,
                             'ends_on', b.ends_on, 'venue', b.venue, 'capacity', b.capacity,
                             'seated', count(*) FILTER (WHERE s.status = 'seated'),
                             'waitlisted', count(*) FILTER (WHERE s.status = 'waitlisted'),
                             'status', CASE WHEN b.cancelled_at IS NULL THEN 'scheduled' ELSE 'cancelled' END,
                             'cancelled_at', b.cancelled_at, 'cancel_reason', b.cancel_reason, 'version', b.version)
    FROM {schema}.batch_seats s WHERE s.batch = b.id
$$;
