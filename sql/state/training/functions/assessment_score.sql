-- assessment_score: the function in force. `daftar migrate` re-applies this
-- file when it changes.
-- Scores an answer sheet (an array of option indexes, one a question in
-- order) against the module's key: the per cent right, rounded. The key
-- is read here only (the role may not read it); nothing of it comes back
-- but the score. NULL when the sheet does not fit the questions.
CREATE OR REPLACE FUNCTION {schema}.assessment_score(p_course uuid, p_module integer, p_answers jsonb) RETURNS integer
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT CASE WHEN count(*) > 0 AND jsonb_array_length(p_answers) = count(*)
                     AND bool_and(a.v IS NOT NULL AND a.v BETWEEN 0 AND cardinality(q.options) - 1)
                THEN round(100.0 * count(*) FILTER (WHERE a.v = q.answer) / count(*))::integer END
    FROM {schema}.questions q
    CROSS JOIN LATERAL (SELECT CASE WHEN jsonb_typeof(p_answers -> (q.n - 1)) = 'number'
                                    THEN (p_answers ->> (q.n - 1))::numeric END AS v) a
    WHERE q.course = p_course AND q.module = p_module AND jsonb_typeof(p_answers) = 'array'
$$;
