-- cleared_for: the function in force. `daftar migrate` re-applies this file
-- when it changes; earlier bodies are history in sql/dept/ 0010.
-- The caller's clearance, second factor and network allow content of this classification.
CREATE OR REPLACE FUNCTION {schema}.cleared_for(p_classification text) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT {schema}.clearance_rank(p_classification) <= current_setting('daftar.clearance')::int
       AND (p_classification IN ('unclassified', 'restricted')
            OR (current_setting('daftar.otp') = 't' AND current_setting('daftar.trusted') = 't'))
$$;
