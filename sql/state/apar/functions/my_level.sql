-- my_level: the function in force. `daftar migrate` re-applies this file
-- when it changes.
-- What the caller is on form f: 'officer', 'reporting', 'reviewing',
-- 'accepting' (a chain never names one officer twice), or NULL.
CREATE OR REPLACE FUNCTION {schema}.my_level(f {schema}.forms) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT CASE current_setting('daftar.officer_uid')
               WHEN f.uid THEN 'officer' WHEN f.reporting THEN 'reporting'
               WHEN f.reviewing THEN 'reviewing' WHEN f.accepting THEN 'accepting' END
$$;
