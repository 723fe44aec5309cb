-- note_edit: the function in force. `daftar migrate` re-applies this file
-- when it changes; earlier bodies are history in sql/dept/ 0003, 0005.
CREATE OR REPLACE FUNCTION {schema}.note_edit(p_id uuid, p_n integer, p_body text) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    f {schema}.files := {schema}.held_file(p_id);
    x {schema}.notes;
BEGIN
    x := {schema}.draft_note(p_id, p_n);
    IF p_body IS NULL THEN
        -- its flags and the flags that point at it go with it (all on drafts: a flag points back only)
        DELETE FROM {schema}.note_flags WHERE file_id = p_id AND (n = p_n OR note_n = p_n);
        DELETE FROM {schema}.notes WHERE file_id = p_id AND n = p_n;
        SET CONSTRAINTS {schema}.notes_pkey DEFERRED;
        UPDATE {schema}.notes SET n = n - 1 WHERE file_id = p_id AND n > p_n;  -- drafts only follow finals
        UPDATE {schema}.note_flags SET n = n - 1, note_n = CASE WHEN note_n > p_n THEN note_n - 1 ELSE note_n END
        WHERE file_id = p_id AND n > p_n;
        SET CONSTRAINTS {schema}.notes_pkey IMMEDIATE;
        PERFORM {schema}.notes_rechain(p_id);
        PERFORM {schema}.audit('note.delete', p_id, json_build_object('n', p_n));
        RETURN json_build_object('deleted', p_n);
    END IF;
    UPDATE {schema}.notes SET body = p_body, updated_at = now() WHERE file_id = p_id AND n = p_n;
    PERFORM {schema}.notes_rechain(p_id);
    PERFORM {schema}.audit('note.edit', p_id, json_build_object('n', p_n));
    RETURN (SELECT {schema}.note_json(y) FROM {schema}.notes y WHERE y.file_id = p_id AND y.n = p_n);
END
$$;
