-- clearance_rank: the function in force. `daftar migrate` re-applies this file
-- when it changes; earlier bodies are history in sql/dept/ 0002.
CREATE OR REPLACE FUNCTION {schema}.clearance_rank(p text) RETURNS integer
LANGUAGE sql IMMUTABLE AS $$
    SELECT array_position(ARRAY['unclassified', 'restricted', 'confidential', 'secret'], p) - 1
$$;
