-- me: the function in force. `daftar migrate` re-applies this file
-- when it changes; earlier bodies are history in sql/dept/ 0002.
CREATE OR REPLACE FUNCTION {schema}.me() RETURNS text
LANGUAGE sql STABLE AS $$ SELECT current_setting('daftar.officer_uid') $$;
