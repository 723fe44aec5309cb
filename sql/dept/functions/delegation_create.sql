-- delegation_create: the caller lends their power to decide to another
-- officer of the department from p_from (default today, India time) to
-- p_until, both inclusive, at most 90 days, ending today or later. Only an
-- officer who holds the approving role by membership lends it: a delegate
-- never lends it on. Idempotency-Key as for files.
CREATE OR REPLACE FUNCTION {schema}.delegation_create(p_delegate text, p_from date, p_until date, p_reason text,
                                                      p_key text, p_request_hash text) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    v_today date := (now() AT TIME ZONE 'Asia/Kolkata')::date;
    v_from date := coalesce(p_from, v_today);
    v_key text := 'delegation:' || p_key;
    v_done json;
    d {schema}.delegations;
    v_out json;
BEGIN
    v_done := {schema}.idempotency_replay(v_key, p_request_hash);
    IF v_done IS NOT NULL THEN
        RETURN json_build_object('replayed', true, 'delegation', v_done);
    END IF;
    IF NOT ({schema}.has_role('section_officer') OR {schema}.has_role('dept_admin')) THEN
        RAISE EXCEPTION 'Only an officer with the approving role (section_officer or dept_admin) lends it.'
            USING ERRCODE = 'DF403';
    END IF;
    IF p_delegate = {schema}.me() OR NOT EXISTS (SELECT 1 FROM daftar.dept_members m WHERE m.uid = p_delegate) THEN
        RAISE EXCEPTION 'The delegate is another officer of this department.' USING ERRCODE = 'DF422';
    END IF;
    IF p_until < v_today OR p_until < v_from OR p_until - v_from >= 90 THEN
        RAISE EXCEPTION 'A delegation runs from valid_from to valid_until (inclusive), at most 90 days, and ends today or later.'
            USING ERRCODE = 'DF422';
    END IF;
    INSERT INTO {schema}.delegations (delegator, delegate, valid_from, valid_until, reason)
    VALUES ({schema}.me(), p_delegate, v_from, p_until, p_reason)
    RETURNING * INTO d;
    v_out := {schema}.delegation_json(d);
    PERFORM {schema}.idempotency_keep(v_key, p_request_hash, v_out);
    PERFORM {schema}.audit('delegation.create', d.id,
                           json_build_object('delegate', p_delegate, 'valid_from', v_from, 'valid_until', p_until));
    RETURN json_build_object('replayed', false, 'delegation', v_out);
END
$$;
