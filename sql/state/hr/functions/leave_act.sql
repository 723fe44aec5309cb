-- leave_act: the function in force. `daftar migrate` re-applies this file
-- when it changes.
-- An action on application p_id at version p_version:
--   approve, reject: the officer it waits for (waiting_role in the
--     applicant's department, not the applicant); approval moves it to the
--     next level of its chain, or grants it at the last; a rejection
--     credits the days back;
--   cancel: the applicant, while pending or before the leave starts: the
--     days credited back;
--   curtail: the applicant, approved leave ends earlier (p_to_date): the
--     days not taken credited back.
-- Anyone who may not see the application gets 404.
CREATE OR REPLACE FUNCTION {schema}.leave_act(p_id uuid, p_version integer, p_action text, p_remarks text, p_to_date date)
RETURNS TABLE (application json, version integer)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_me text := current_setting('daftar.officer_uid');
    a {schema}.leave_applications;
    t {schema}.leave_types;
    v_at integer;
    v_days numeric;
BEGIN
    SELECT * INTO a FROM {schema}.leave_applications x WHERE x.id = p_id FOR UPDATE;
    IF NOT FOUND OR a.dept <> current_setting('daftar.dept') OR NOT {schema}.sees_leave_of(a.uid) THEN
        RAISE EXCEPTION 'No such leave application.' USING ERRCODE = 'DF404';
    END IF;
    IF a.version <> p_version THEN
        RAISE EXCEPTION 'The application changed since you read it; read it again.' USING ERRCODE = 'DF412';
    END IF;
    SELECT * INTO t FROM {schema}.leave_types x WHERE x.code = a.type;
    IF p_action IN ('approve', 'reject') THEN
        IF a.status <> 'pending' THEN
            RAISE EXCEPTION 'This application is % already.', a.status USING ERRCODE = 'DF409', HINT = 'leave-decided-already';
        END IF;
        IF a.uid = v_me OR NOT {schema}.in_charge(a.uid, a.waiting_role) THEN
            RAISE EXCEPTION 'This application waits for its % (%), not for you.', a.waiting_role, a.level
                USING ERRCODE = 'DF403', HINT = 'leave-not-your-turn';
        END IF;
        IF p_action = 'reject' THEN
            PERFORM {schema}.leave_reverse(a.id, NULL, v_me);
            PERFORM {schema}.timer_cancel('leave_escalate', a.id);
            UPDATE {schema}.leave_applications x SET status = 'rejected', waiting_role = NULL, level_due = NULL,
                                                     version = x.version + 1, updated_at = now()
            WHERE x.id = a.id RETURNING * INTO a;
        ELSE
            -- an escalated application may wait for a higher level than its own: that approval counts for both
            v_at := greatest(a.level, coalesce(array_position(a.roles, a.waiting_role), cardinality(a.roles)));
            IF v_at < cardinality(a.roles) THEN
                UPDATE {schema}.leave_applications x SET level = v_at + 1, waiting_role = a.roles[v_at + 1],
                                                         level_due = {schema}.leave_wait(a.id, a.roles[v_at + 1]),
                                                         version = x.version + 1, updated_at = now()
                WHERE x.id = a.id RETURNING * INTO a;
            ELSE
                PERFORM {schema}.timer_cancel('leave_escalate', a.id);
                UPDATE {schema}.leave_applications x SET status = 'approved', waiting_role = NULL, level_due = NULL,
                                                         version = x.version + 1, updated_at = now()
                WHERE x.id = a.id RETURNING * INTO a;
            END IF;
        END IF;
    ELSIF p_action = 'cancel' THEN
        IF a.uid <> v_me THEN
            RAISE EXCEPTION 'Only the applicant cancels an application.' USING ERRCODE = 'DF403', HINT = 'leave-applicant-only';
        END IF;
        IF NOT (a.status = 'pending' OR (a.status = 'approved'
                                         AND a.from_date > (now() AT TIME ZONE 'Asia/Kolkata')::date)) THEN
            RAISE EXCEPTION 'Only pending leave, or granted leave not yet begun, is cancelled; curtail leave in progress.'
                USING ERRCODE = 'DF409', HINT = 'leave-not-cancellable';
        END IF;
        PERFORM {schema}.leave_reverse(a.id, NULL, v_me);
        PERFORM {schema}.timer_cancel('leave_escalate', a.id);
        UPDATE {schema}.leave_applications x SET status = 'cancelled', waiting_role = NULL, level_due = NULL,
                                                 version = x.version + 1, updated_at = now()
        WHERE x.id = a.id RETURNING * INTO a;
    ELSIF p_action = 'curtail' THEN
        IF a.uid <> v_me THEN
            RAISE EXCEPTION 'Only the applicant curtails their leave.' USING ERRCODE = 'DF403', HINT = 'leave-applicant-only';
        END IF;
        IF a.status <> 'approved' THEN
            RAISE EXCEPTION 'Only granted leave is curtailed; cancel a pending application.' USING ERRCODE = 'DF409', HINT = 'leave-not-curtailable';
        END IF;
        IF p_to_date IS NULL OR p_to_date < a.from_date OR p_to_date >= a.to_date THEN
            RAISE EXCEPTION 'to_date falls within the leave, before its last day.' USING ERRCODE = 'DF422', HINT = 'leave-curtail-date';
        END IF;
        v_days := {schema}.leave_days(a.dept, a.type, a.from_date, p_to_date);
        PERFORM {schema}.leave_reverse(a.id, (a.days - v_days) * t.debit_factor, v_me);
        UPDATE {schema}.leave_applications x SET to_date = p_to_date, days = v_days, version = x.version + 1,
                                                 updated_at = now()
        WHERE x.id = a.id RETURNING * INTO a;
    ELSE
        RAISE EXCEPTION 'No such action.' USING ERRCODE = 'DF422', HINT = 'no-such-action';
    END IF;
    INSERT INTO {schema}.leave_actions (application, by, action, level, remarks)
    VALUES (a.id, v_me, p_action, a.level, coalesce(p_remarks, ''));
    PERFORM {schema}.audit_append('leave.' || p_action, a.uid, jsonb_build_object('application', a.id));
    IF a.status IN ('approved', 'rejected') AND p_action IN ('approve', 'reject') THEN
        PERFORM {schema}.event_publish('leave.decided', a.id, ARRAY[a.uid],
                                       jsonb_build_object('application_id', a.id, 'status', a.status));
    ELSIF a.status = 'pending' AND p_action = 'approve' THEN
        PERFORM {schema}.event_publish('leave.needs_me', a.id, {schema}.leave_waiters(a),
                                       jsonb_build_object('application_id', a.id, 'uid', a.uid, 'dept', a.dept));
    END IF;
    RETURN QUERY SELECT {schema}.leave_application_json(a), a.version;
END
$$;
