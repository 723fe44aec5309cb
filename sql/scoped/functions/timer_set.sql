-- timer_set: a timer of kind p_kind on p_subject, due at p_due, in the
-- caller's transaction (it exists only if the change that sets it commits).
-- A family adds a kind by adding the function timer_<kind>(timers) that acts
-- when it fires (see timers_fire.sql).
-- A timer due before the servers' next regular scan could come (the longest
-- timers_rescan_ms is 10 minutes) wakes their timers threads at commit: the
-- NOTIFY carries only the due time (Unix seconds), never the kind, subject
-- or department, and each thread sleeps until then (lib/timers/timers.c).
CREATE OR REPLACE FUNCTION {schema}.timer_set(p_kind text, p_subject uuid, p_due timestamptz, p_payload jsonb)
RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    v_id bigint;
BEGIN
    INSERT INTO {schema}.timers (kind, subject, due_at, payload) VALUES (p_kind, p_subject, p_due, coalesce(p_payload, '{}'))
    RETURNING id INTO v_id;
    IF p_due < now() + interval '10 minutes' THEN
        PERFORM pg_notify('daftar_timers', extract(epoch FROM p_due)::numeric(20, 3)::text);
    END IF;
    RETURN v_id;
END
$$;
