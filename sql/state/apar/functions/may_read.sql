-- may_read: the function in force. `daftar migrate` re-applies this file
-- when it changes.
-- The caller may read what level p_level submitted on form f (the heart of
-- APAR's secrecy):
--   the officer: their own self-appraisal; everything once disclosed;
--   an authority: its own submissions (the accepting authority's decision
--     on a representation is its own); the earlier levels' content while it
--     is its turn or a later level's (an earlier level sees only the stage);
--   the accepting authority deciding a representation: everything;
--   the custodian: never content.
CREATE OR REPLACE FUNCTION {schema}.may_read(f {schema}.forms, p_level text) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN {schema}.my_level(f) IS NULL THEN false
               WHEN {schema}.my_level(f) = 'officer' THEN p_level = 'self' OR f.disclosed_at IS NOT NULL
               ELSE p_level = {schema}.my_level(f) OR (p_level = 'decision' AND {schema}.my_level(f) = 'accepting')
                    OR ({schema}.stage_rank(p_level) < {schema}.stage_rank({schema}.my_level(f))
                        AND {schema}.stage_rank(f.stage) <= {schema}.stage_rank({schema}.my_level(f)))
                    OR ({schema}.my_level(f) = 'accepting' AND f.stage = 'decision')
           END
$$;
