-- keeps_records: the function in force. `daftar migrate` re-applies this file
-- when it changes; earlier bodies are history in sql/dept/ 0010.
-- Records officers and dept admins read the department's unclassified and restricted papers.
CREATE OR REPLACE FUNCTION {schema}.keeps_records(p_classification text) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT p_classification IN ('unclassified', 'restricted')
       AND ({schema}.has_role('records_officer') OR {schema}.has_role('dept_admin'))
$$;
