-- file_decide: the function in force. `daftar migrate` re-applies this file
-- when it changes; earlier bodies are history in sql/dept/ 0005.
CREATE OR REPLACE FUNCTION {schema}.file_decide(p_id uuid, p_version integer, p_action text, p_remarks text) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    f {schema}.files := {schema}.held_version(p_id, p_version);
    v_note {schema}.notes;
    v_seq integer := (SELECT max(seq) FROM {schema}.movements WHERE file_id = p_id);
BEGIN
    IF p_action = 'approve' THEN
        SELECT * INTO v_note FROM {schema}.notes WHERE file_id = p_id ORDER BY n DESC LIMIT 1;
        IF NOT FOUND OR v_note.author <> {schema}.me() OR NOT EXISTS (
                SELECT 1 FROM {schema}.note_signatures s WHERE s.file_id = p_id AND s.n = v_note.n) THEN
            RAISE EXCEPTION 'Approval needs your digitally signed note as the last note of the file.' USING ERRCODE = 'DF422';
        END IF;
    ELSIF coalesce(p_remarks, '') = '' THEN
        RAISE EXCEPTION 'Say why the proposal is rejected (remarks).' USING ERRCODE = 'DF422';
    END IF;
    INSERT INTO {schema}.movements (file_id, seq, action, from_uid, to_uid, remarks, note)
    VALUES (p_id, v_seq + 1, p_action, {schema}.me(), {schema}.me(), coalesce(p_remarks, ''), v_note.n);
    UPDATE {schema}.files SET decision = CASE p_action WHEN 'approve' THEN 'approved' ELSE 'rejected' END,
                              decided_by = {schema}.me(), decided_at = now(), version = version + 1, updated_at = now()
    WHERE id = p_id RETURNING * INTO f;
    PERFORM {schema}.audit('file.' || p_action, p_id, json_build_object('note', v_note.n));
    RETURN {schema}.file_json(f);
END
$$;
