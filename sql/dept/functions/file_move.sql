-- file_move: the function in force. `daftar migrate` re-applies this file
-- when it changes; earlier bodies are history in sql/dept/ 0002.
-- Movements. Only the holder acts, except recall: the officer who forwarded
-- the file takes it back while the receiver has not acted on it. Whoever
-- holds an officer's acting charge acts as that officer would (acts_for):
-- the movement is the actor's (from_uid) on behalf of the officer
-- (on_behalf_of), and the file stays with, or returns to, that officer.
-- A forward, return or recall publishes a live event (event_publish) to the
-- officer it concerns.
CREATE OR REPLACE FUNCTION {schema}.file_move(p_id uuid, p_version integer, p_action text, p_to text, p_remarks text, p_due date)
RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    f {schema}.files;
    v_last {schema}.movements;
    v_to text;
    v_status text;
    v_for text; -- whose part the caller plays: the holder, or the sender for a recall
    v_from text; -- who held it before
BEGIN
    SELECT * INTO f FROM {schema}.files WHERE id = p_id FOR UPDATE;
    IF NOT FOUND OR NOT {schema}.may_see(f) THEN
        RAISE EXCEPTION 'No such file.' USING ERRCODE = 'DF404';
    END IF;
    IF f.version <> p_version THEN
        RAISE EXCEPTION 'The file has changed since you read it.' USING ERRCODE = 'DF412';
    END IF;
    IF f.record_room_at IS NOT NULL THEN -- kept or weeded there (department 0030): it moves no more
        RAISE EXCEPTION 'The file is in the record room.' USING ERRCODE = 'DF409', HINT = 'in-record-room';
    END IF;
    SELECT * INTO v_last FROM {schema}.movements WHERE file_id = p_id ORDER BY seq DESC LIMIT 1;
    IF p_action = 'recall' THEN
        IF NOT (v_last.action IN ('forward', 'return') AND {schema}.acts_for(coalesce(v_last.on_behalf_of, v_last.from_uid))) THEN
            RAISE EXCEPTION 'Only the sender may recall, and only before the receiver acts.'
                USING ERRCODE = 'DF409', HINT = 'recall-not-possible';
        END IF;
        v_for := coalesce(v_last.on_behalf_of, v_last.from_uid);
    ELSIF NOT {schema}.acts_for(f.holder) THEN
        RAISE EXCEPTION 'Only the current holder can act on the file.' USING ERRCODE = 'DF403', HINT = 'not-the-holder';
    ELSE
        v_for := f.holder;
    END IF;
    v_status := f.status;
    v_to := v_for;
    v_from := f.holder;
    CASE p_action
        WHEN 'forward' THEN
            IF f.status <> 'open' THEN
                RAISE EXCEPTION 'Only an open file can be forwarded.' USING ERRCODE = 'DF409', HINT = 'file-not-open';
            END IF;
            IF p_to IS NULL OR p_to = v_for THEN
                RAISE EXCEPTION 'Forward to another officer.' USING ERRCODE = 'DF422', HINT = 'forward-to-self';
            END IF;
            IF coalesce((SELECT clearance FROM daftar.dept_members WHERE uid = p_to), -1)
               < {schema}.clearance_rank(f.classification) THEN
                RAISE EXCEPTION 'The receiver is not an officer of this department cleared for this file.'
                    USING ERRCODE = 'DF422', HINT = 'receiver-not-cleared';
            END IF;
            v_to := p_to;
        WHEN 'return' THEN
            IF f.status <> 'open' THEN
                RAISE EXCEPTION 'Only an open file can be returned.' USING ERRCODE = 'DF409', HINT = 'file-not-open';
            END IF;
            SELECT coalesce(on_behalf_of, from_uid) INTO v_to FROM {schema}.movements
            WHERE file_id = p_id AND to_uid = v_for AND action IN ('forward', 'return') ORDER BY seq DESC LIMIT 1;
            IF v_to IS NULL THEN
                RAISE EXCEPTION 'Nobody sent you this file.' USING ERRCODE = 'DF409', HINT = 'nothing-to-return';
            END IF;
        WHEN 'recall' THEN
            v_to := v_for;
        WHEN 'park' THEN
            IF f.status <> 'open' THEN
                RAISE EXCEPTION 'Only an open file can be parked.' USING ERRCODE = 'DF409', HINT = 'file-not-open';
            END IF;
            v_status := 'parked';
        WHEN 'close' THEN
            IF f.status = 'closed' THEN
                RAISE EXCEPTION 'The file is closed already.' USING ERRCODE = 'DF409', HINT = 'file-closed';
            END IF;
            IF NOT ({schema}.has_role('section_officer') OR {schema}.has_role('dept_admin')) THEN
                RAISE EXCEPTION 'Closing a file needs a section officer or above.'
                    USING ERRCODE = 'DF403', HINT = 'close-needs-section-officer';
            END IF;
            v_status := 'closed';
        WHEN 'reopen' THEN
            IF f.status = 'open' THEN
                RAISE EXCEPTION 'The file is open already.' USING ERRCODE = 'DF409', HINT = 'file-open-already';
            END IF;
            IF f.merged_at IS NOT NULL THEN -- a part file merged into its main (department 0028) stays closed
                RAISE EXCEPTION 'This part file is merged into its main file; write on the main file.'
                    USING ERRCODE = 'DF409', HINT = 'file-closed';
            END IF;
            v_status := 'open';
        ELSE
            RAISE EXCEPTION 'Unknown action.' USING ERRCODE = 'DF422';
    END CASE;
    INSERT INTO {schema}.movements (file_id, seq, action, from_uid, to_uid, remarks, due_date, on_behalf_of)
    VALUES (p_id, coalesce(v_last.seq, 0) + 1, p_action, {schema}.me(), v_to, coalesce(p_remarks, ''), p_due,
            nullif(v_for, {schema}.me()));
    INSERT INTO {schema}.file_access (file_id, uid) VALUES (p_id, v_to) ON CONFLICT DO NOTHING;
    -- a due date counts for this movement only: when its day ends (India time) the file is overdue
    PERFORM {schema}.timer_cancel('file_due', p_id);
    IF p_due IS NOT NULL AND p_action IN ('forward', 'return') THEN
        PERFORM {schema}.timer_set('file_due', p_id, (p_due + 1)::timestamp AT TIME ZONE 'Asia/Kolkata',
                                   jsonb_build_object('seq', coalesce(v_last.seq, 0) + 1));
    END IF;
    UPDATE {schema}.files SET holder = v_to, status = v_status, version = version + 1, updated_at = now(),
                              overdue_since = NULL
    WHERE id = p_id RETURNING * INTO f;
    PERFORM {schema}.audit('file.' || p_action, p_id, json_build_object('to', v_to));
    -- live events (issue 22): the receiver of a forward or return, the officer a recall took it from
    IF p_action IN ('forward', 'return', 'recall') THEN
        PERFORM {schema}.event_publish(CASE p_action WHEN 'forward' THEN 'file.arrived' WHEN 'return' THEN 'file.returned'
                                                     ELSE 'file.recalled' END, p_id,
                                       ARRAY[CASE WHEN p_action = 'recall' THEN v_from ELSE v_to END],
                                       jsonb_build_object('file_id', p_id, 'by', {schema}.me(), 'due_date', p_due));
    END IF;
    RETURN {schema}.file_json(f);
END
$$;
