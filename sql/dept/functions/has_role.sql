-- has_role: the function in force. `daftar migrate` re-applies this file
-- when it changes; earlier bodies are history in sql/dept/ 0002.
CREATE OR REPLACE FUNCTION {schema}.has_role(p text) RETURNS boolean
LANGUAGE sql STABLE AS $$ SELECT position(',' || p || ',' IN current_setting('daftar.roles')) > 0 $$;
