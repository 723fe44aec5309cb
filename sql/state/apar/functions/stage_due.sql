-- stage_due: the function in force. `daftar migrate` re-applies this file
-- when it changes.
-- When stage p_stage of a form of cycle c ends: the cycle's date for it (the
-- end of that day, India time), or for representation and decision the
-- days counted from now.
CREATE OR REPLACE FUNCTION {schema}.stage_due(c {schema}.cycles, p_stage text) RETURNS timestamptz
LANGUAGE sql STABLE AS $$
    SELECT CASE p_stage
               WHEN 'self' THEN (c.self_due + 1)::timestamp AT TIME ZONE 'Asia/Kolkata'
               WHEN 'reporting' THEN (c.reporting_due + 1)::timestamp AT TIME ZONE 'Asia/Kolkata'
               WHEN 'reviewing' THEN (c.reviewing_due + 1)::timestamp AT TIME ZONE 'Asia/Kolkata'
               WHEN 'accepting' THEN (c.accepting_due + 1)::timestamp AT TIME ZONE 'Asia/Kolkata'
               WHEN 'disclosure' THEN (c.disclosure_due + 1)::timestamp AT TIME ZONE 'Asia/Kolkata'
               WHEN 'representation' THEN now() + make_interval(days => c.representation_days)
               WHEN 'decision' THEN now() + make_interval(days => c.decision_days)
           END
$$;
