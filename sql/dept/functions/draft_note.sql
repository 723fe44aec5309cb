-- draft_note: note p_n of file p_id, which the caller may still change: 404
-- when it is not there for them (a draft is its author's alone), 409
-- `note-final` when it is final. For note_edit and note_flag_add.
CREATE OR REPLACE FUNCTION {schema}.draft_note(p_id uuid, p_n integer) RETURNS {schema}.notes
LANGUAGE plpgsql AS $$
DECLARE
    x {schema}.notes;
BEGIN
    SELECT * INTO x FROM {schema}.notes WHERE file_id = p_id AND n = p_n;
    IF NOT FOUND OR (x.status = 'draft' AND x.author <> {schema}.me()) THEN
        RAISE EXCEPTION 'No such note.' USING ERRCODE = 'DF404';
    END IF;
    IF x.status = 'final' THEN
        RAISE EXCEPTION 'A final note never changes.' USING ERRCODE = 'DF409', HINT = 'note-final';
    END IF;
    RETURN x;
END
$$;
