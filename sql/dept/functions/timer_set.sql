-- timer_set: a timer of kind p_kind on p_subject, due at p_due, in the
-- caller's transaction (it exists only if the change that sets it commits).
-- A family adds a kind by adding the function timer_<kind>(timers) that acts
-- when it fires (see timers_fire.sql).
CREATE OR REPLACE FUNCTION {schema}.timer_set(p_kind text, p_subject uuid, p_due timestamptz, p_payload jsonb)
RETURNS bigint
LANGUAGE sql AS $$
    INSERT INTO {schema}.timers (kind, subject, due_at, payload) VALUES (p_kind, p_subject, p_due, coalesce(p_payload, '{}'))
    RETURNING id
$$;
