-- dispatch_state: a dispatch's status as the register shows it: as stored,
-- except that a letter sent to another department is `delivered` once that
-- department acknowledged it in the exchange (its database role cannot
-- write here, so the exchange is where that fact lives).
CREATE OR REPLACE FUNCTION {schema}.dispatch_state(x {schema}.dispatches) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN x.mode = 'department' AND x.status = 'sent'
                     AND ({schema}.dispatch_handoff(x)).acknowledged_at IS NOT NULL THEN 'delivered'
                ELSE x.status END
$$;
