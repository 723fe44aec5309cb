-- part_open: a part file opened from a main file that is elsewhere (the
-- caller may see it but does not hold it; an open main file, itself no
-- part). It is a file of its own, held by the caller: number MAIN/P<n>, the
-- main's classification, section, category and head, the subject given or
-- the main's. Idempotency-Key as for files. Department 0028.
CREATE OR REPLACE FUNCTION {schema}.part_open(p_main uuid, p_subject text, p_key text, p_request_hash text) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    m {schema}.files;
    f {schema}.files;
    v_done json;
    v_no integer;
    v_out json;
BEGIN
    v_done := {schema}.idempotency_replay(p_key, p_request_hash);
    IF v_done IS NOT NULL THEN
        RETURN json_build_object('replayed', true, 'file', v_done);
    END IF;
    SELECT * INTO m FROM {schema}.files WHERE id = p_main FOR UPDATE;
    IF NOT FOUND OR NOT {schema}.may_see(m) THEN
        RAISE EXCEPTION 'No such file.' USING ERRCODE = 'DF404';
    END IF;
    IF m.parent_id IS NOT NULL THEN
        RAISE EXCEPTION 'A part file is opened from its main file, not from another part.' USING ERRCODE = 'DF422';
    END IF;
    IF m.status <> 'open' THEN
        RAISE EXCEPTION 'Only an open file can have a part file.' USING ERRCODE = 'DF409', HINT = 'file-not-open';
    END IF;
    IF {schema}.acts_for(m.holder) THEN
        RAISE EXCEPTION 'The file is with you: write on it, not on a part file.' USING ERRCODE = 'DF409', HINT = 'main-file-here';
    END IF;
    v_no := coalesce((SELECT max(part_no) FROM {schema}.files WHERE parent_id = p_main), 0) + 1;
    INSERT INTO {schema}.files (file_number, subject, category, section, classification, priority, created_by, holder,
                                head_id, parent_id, part_no)
    VALUES (m.file_number || '/P' || v_no, coalesce(p_subject, m.subject), m.category, m.section, m.classification,
            m.priority, {schema}.me(), {schema}.me(), m.head_id, p_main, v_no)
    RETURNING * INTO f;
    INSERT INTO {schema}.file_access (file_id, uid) VALUES (f.id, {schema}.me());
    INSERT INTO {schema}.movements (file_id, seq, action, from_uid, to_uid, remarks)
    VALUES (f.id, 1, 'create', {schema}.me(), {schema}.me(), 'Part file of ' || m.file_number);
    v_out := {schema}.file_json(f);
    PERFORM {schema}.idempotency_keep(p_key, p_request_hash, v_out);
    PERFORM {schema}.audit('file.part', p_main, json_build_object('part', f.id, 'file_number', f.file_number));
    RETURN json_build_object('replayed', false, 'file', v_out);
END
$$;
