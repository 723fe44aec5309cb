-- timer_charge_end: the action of a charge_end timer (set by charge_give):
-- the day after valid_until the charge has ended by itself; it is marked
-- ended by 'timer' with an audit event (holds_charge_of stops counting it
-- at midnight whether or not this has run).
CREATE OR REPLACE FUNCTION {schema}.timer_charge_end(t {schema}.timers) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE {schema}.charges SET ended_at = now(), ended_by = 'timer' WHERE id = t.subject AND ended_at IS NULL;
    IF FOUND THEN
        PERFORM {schema}.audit('charge.expire', t.subject, '{}');
    END IF;
END
$$;
