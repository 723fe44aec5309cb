-- file_decide: the function in force. `daftar migrate` re-applies this file
-- when it changes; earlier bodies are history in sql/dept/ 0005.
-- The holder decides the proposal on the file (security review item 6):
--   only with the approving role or a delegation of it in force (may_decide,
--   decision_delegator), never by the proposer: who opened the file, or who
--   wrote its proposal (wrote_proposal); under a delegation, never on the
--   delegator's own proposal either, and the movement names the delegator
--   (on_behalf_of);
--   approve needs the decider's signed note as the last note; reject needs
--   remarks;
--   a decision is final: the opposite one reverses it only with the
--   decider's signed note written after it (and remarks to reject); its
--   movement's `reverses` is the seq of the decision it overturns, so the
--   track shows both.
-- Runs as the schema's owner: the only way a decision is recorded, the
-- file's and its movement together (decisions_guard refuses the department's
-- role any other way; security review item 5).
CREATE OR REPLACE FUNCTION {schema}.file_decide(p_id uuid, p_version integer, p_action text, p_remarks text) RETURNS json
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
DECLARE
    f {schema}.files := {schema}.held_version(p_id, p_version);
    v_note {schema}.notes;
    v_seq integer := (SELECT max(seq) FROM {schema}.movements WHERE file_id = p_id);
    v_reverses integer;
    v_signed boolean;
    v_behalf text;
BEGIN
    IF f.holder <> {schema}.me() THEN -- held through an acting charge: a decision is the decider's own
        RAISE EXCEPTION 'Decide only files you hold yourself: forward it from the charge to yourself first.'
            USING ERRCODE = 'DF403', HINT = 'decide-held-files-only';
    END IF;
    IF NOT {schema}.may_decide() THEN
        RAISE EXCEPTION 'Deciding needs the approving role (section_officer or dept_admin) or a delegation of it.'
            USING ERRCODE = 'DF403', HINT = 'needs-approving-role';
    END IF;
    IF NOT ({schema}.has_role('section_officer') OR {schema}.has_role('dept_admin')) THEN
        v_behalf := {schema}.decision_delegator();  -- not NULL: may_decide
    END IF;
    IF f.created_by = {schema}.me() THEN
        RAISE EXCEPTION 'Nobody decides a file they opened: send it to the competent officer.'
            USING ERRCODE = 'DF403', HINT = 'own-file';
    END IF;
    IF {schema}.wrote_proposal(p_id, {schema}.me()) THEN
        RAISE EXCEPTION 'Nobody decides a proposal they wrote: send it to the competent officer.'
            USING ERRCODE = 'DF403', HINT = 'own-proposal';
    END IF;
    IF v_behalf IS NOT NULL AND (f.created_by = v_behalf OR {schema}.wrote_proposal(p_id, v_behalf)) THEN
        RAISE EXCEPTION 'A delegation never decides the delegator''s own proposal.'
            USING ERRCODE = 'DF403', HINT = 'delegators-own-proposal';
    END IF;
    IF f.decision IS NOT NULL AND (p_action = 'approve') = (f.decision = 'approved') THEN
        RAISE EXCEPTION 'The file is % already; a decision is final.', f.decision USING ERRCODE = 'DF409', HINT = 'decision-final';
    END IF;
    SELECT * INTO v_note FROM {schema}.notes WHERE file_id = p_id ORDER BY n DESC LIMIT 1;
    v_signed := FOUND AND v_note.author = {schema}.me() AND EXISTS (
        SELECT 1 FROM {schema}.note_signatures s WHERE s.file_id = p_id AND s.n = v_note.n);
    IF f.decision IS NOT NULL THEN
        IF NOT v_signed OR v_note.created_at <= f.decided_at THEN
            RAISE EXCEPTION 'Reversing a decision needs your digitally signed note, written after it, as the last note.'
                USING ERRCODE = 'DF422', HINT = 'reversal-needs-signed-note';
        END IF;
        v_reverses := (SELECT max(seq) FROM {schema}.movements WHERE file_id = p_id AND action IN ('approve', 'reject'));
    ELSIF p_action = 'approve' AND NOT v_signed THEN
        RAISE EXCEPTION 'Approval needs your digitally signed note as the last note of the file.'
            USING ERRCODE = 'DF422', HINT = 'approval-needs-signed-note';
    END IF;
    IF p_action = 'reject' AND coalesce(p_remarks, '') = '' THEN
        RAISE EXCEPTION 'Say why the proposal is rejected (remarks).' USING ERRCODE = 'DF422', HINT = 'rejection-needs-remarks';
    END IF;
    IF NOT v_signed THEN
        v_note := NULL;
    END IF;
    INSERT INTO {schema}.movements (file_id, seq, action, from_uid, to_uid, remarks, note, reverses, on_behalf_of)
    VALUES (p_id, v_seq + 1, p_action, {schema}.me(), {schema}.me(), coalesce(p_remarks, ''), v_note.n, v_reverses,
            v_behalf);
    UPDATE {schema}.files SET decision = CASE p_action WHEN 'approve' THEN 'approved' ELSE 'rejected' END,
                              decided_by = {schema}.me(), decided_at = now(), version = version + 1, updated_at = now()
    WHERE id = p_id RETURNING * INTO f;
    PERFORM {schema}.audit('file.' || p_action, p_id, json_build_object('note', v_note.n, 'reverses', v_reverses,
                                                                      'on_behalf_of', v_behalf));
    RETURN {schema}.file_json(f);
END
$$;
