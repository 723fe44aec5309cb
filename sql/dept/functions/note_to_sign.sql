-- note_to_sign: the function in force. `daftar migrate` re-applies this file
-- when it changes; earlier bodies are history in sql/dept/ 0005.
-- What the author signs: the note's hash, with the author's registered certificates (DER, base64).
CREATE OR REPLACE FUNCTION {schema}.note_to_sign(p_id uuid, p_n integer) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    f {schema}.files := {schema}.held_file(p_id);
    x {schema}.notes;
BEGIN
    SELECT * INTO x FROM {schema}.notes WHERE file_id = p_id AND n = p_n;
    IF NOT FOUND OR (x.status = 'draft' AND x.author <> {schema}.me()) THEN
        RAISE EXCEPTION 'No such note.' USING ERRCODE = 'DF404';
    END IF;
    IF x.author <> {schema}.me() THEN
        RAISE EXCEPTION 'Only the author signs a note.' USING ERRCODE = 'DF403';
    END IF;
    IF EXISTS (SELECT 1 FROM {schema}.note_signatures WHERE file_id = p_id AND n = p_n) THEN
        RAISE EXCEPTION 'This note is signed already.' USING ERRCODE = 'DF409';
    END IF;
    RETURN daftar.to_sign(x.hash);
END
$$;
