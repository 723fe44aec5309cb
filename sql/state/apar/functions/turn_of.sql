-- turn_of: the function in force. `daftar migrate` re-applies this file
-- when it changes.
-- Whose turn it is on form f at its stage: the officer (self-appraisal,
-- representation), the reporting, reviewing or accepting authority (the
-- accepting one also decides a representation); NULL at disclosure, once
-- closed, or when the level has no authority mapped.
CREATE OR REPLACE FUNCTION {schema}.turn_of(f {schema}.forms) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE f.stage WHEN 'self' THEN f.uid WHEN 'reporting' THEN f.reporting WHEN 'reviewing' THEN f.reviewing
                        WHEN 'accepting' THEN f.accepting WHEN 'representation' THEN f.uid
                        WHEN 'decision' THEN f.accepting END
$$;
