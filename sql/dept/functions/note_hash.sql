-- note_hash: the function in force. `daftar migrate` re-applies this file
-- when it changes; earlier bodies are history in sql/dept/ 0003.
CREATE OR REPLACE FUNCTION {schema}.note_hash(p_prev text, x {schema}.notes) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT encode(sha256(convert_to(p_prev || {schema}.note_text(x), 'UTF8')), 'hex')
$$;
