-- event_publish: puts an event into this scope's outbox (NNNN_events), in the
-- caller's transaction: it exists only if the change commits. p_audience is
-- who may see it (officer UIDs, as the family's rule says: the new holder of a
-- file, the approver a leave application waits for); an empty audience
-- publishes nothing. Call it AFTER the change's audit(): both lock a head row
-- until commit, always in that order, so two writers never deadlock.
-- At commit the NOTIFY on daftar_events says only which scope has a new n
-- ("<schema> <n>"): never the type, the subject or the audience. The first
-- event after a purge arms the next events_purge timer (an hour on). In a
-- department the event is also queued for its webhooks (webhooks_enqueue).
CREATE OR REPLACE FUNCTION {schema}.event_publish(p_type text, p_subject uuid, p_audience text[], p_data jsonb)
RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    v_to text[];
    v_n bigint;
BEGIN
    SELECT array_agg(DISTINCT u ORDER BY u) INTO v_to FROM unnest(p_audience) u WHERE u IS NOT NULL AND u <> '';
    IF v_to IS NULL THEN
        RETURN NULL;
    END IF;
    UPDATE {schema}.events_head SET n = n + 1 RETURNING n INTO v_n;
    INSERT INTO {schema}.events (n, type, subject, audience, data) VALUES (v_n, p_type, p_subject, v_to, coalesce(p_data, '{}'));
    IF to_regclass('{schema}.webhooks') IS NOT NULL THEN -- a department: its service accounts' endpoints too
        PERFORM {schema}.webhooks_enqueue(v_n, p_type, p_subject, now(), coalesce(p_data, '{}'));
    END IF;
    PERFORM pg_notify('daftar_events', '{schema} ' || v_n);
    IF NOT EXISTS (SELECT FROM {schema}.timers WHERE kind = 'events_purge' AND fired_at IS NULL) THEN
        PERFORM {schema}.timer_set('events_purge', '00000000-0000-0000-0000-000000000000', now() + interval '1 hour', NULL);
    END IF;
    RETURN v_n;
END
$$;
