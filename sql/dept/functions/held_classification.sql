-- held_classification: the function in force. `daftar migrate` re-applies this file
-- when it changes; earlier bodies are history in sql/dept/ 0004.
-- The classification of a file the caller holds, for the server to decide on encryption first.
CREATE OR REPLACE FUNCTION {schema}.held_classification(p_file uuid) RETURNS text
LANGUAGE sql AS $$ SELECT ({schema}.held_file(p_file)).classification $$;
