-- ranks: the functions in force (stage_rank, level_rank). `daftar migrate`
-- re-applies this file when it changes.
-- The order of stages and of levels: self 0, reporting 1, reviewing 2,
-- accepting 3, disclosure 4, representation 5, decision 6, closed 7.
CREATE OR REPLACE FUNCTION {schema}.stage_rank(p_stage text) RETURNS integer
LANGUAGE sql IMMUTABLE AS $$
    SELECT array_position(ARRAY['self', 'reporting', 'reviewing', 'accepting', 'disclosure', 'representation', 'decision',
                                'closed'], CASE WHEN p_stage = 'no_report' THEN 'closed' ELSE p_stage END) - 1
$$;
