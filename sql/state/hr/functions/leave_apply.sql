-- leave_apply: the function in force. `daftar migrate` re-applies this file
-- when it changes.
-- The calling officer applies for leave in the request's department (the
-- server checked the membership). One application of an officer at a time
-- (a lock per officer), so two racing for the last days cannot both have
-- them: the balance is the ledger's sum, read after the lock, and the debit
-- is written before the lock goes. Refused with the reason: an unknown
-- type, a period with no day of leave in it or starting or ending on a
-- holiday for a working-days type, an overlap with another application, a
-- type not combinable next to other leave, more than a type allows, an
-- extension that does not continue an approved application, a balance
-- short of the days.
CREATE OR REPLACE FUNCTION {schema}.leave_apply(p_type text, p_from date, p_to date, p_reason text, p_extends uuid)
RETURNS TABLE (application json, version integer)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_me text := current_setting('daftar.officer_uid');
    v_dept text := current_setting('daftar.dept');
    t {schema}.leave_types;
    a {schema}.leave_applications;
    v_days numeric;
    v_debit_type text;
    v_balance numeric;
    v_roles text[];
BEGIN
    IF v_dept = '' THEN
        RAISE EXCEPTION 'Leave is applied for in a department.' USING ERRCODE = 'DF422', HINT = 'leave-outside-department';
    END IF;
    PERFORM pg_advisory_xact_lock(hashtextextended('leave:' || v_me, 0));
    SELECT * INTO t FROM {schema}.leave_types x WHERE x.code = p_type;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'No such leave type.' USING ERRCODE = 'DF422', HINT = 'leave-type-unknown';
    END IF;
    IF p_to < p_from THEN
        RAISE EXCEPTION 'to_date is before from_date.' USING ERRCODE = 'DF422', HINT = 'leave-dates-reversed';
    END IF;
    IF p_to > p_from + 1100 THEN
        RAISE EXCEPTION 'A period of at most three years.' USING ERRCODE = 'DF422', HINT = 'leave-too-long';
    END IF;
    IF t.working_days AND NOT ({schema}.leave_working_day(v_dept, p_from) AND {schema}.leave_working_day(v_dept, p_to)) THEN
        RAISE EXCEPTION '% starts and ends on working days: holidays before or after it are not leave.', t.name
            USING ERRCODE = 'DF422', HINT = 'leave-on-holidays';
    END IF;
    v_days := {schema}.leave_days(v_dept, p_type, p_from, p_to);
    IF v_days <= 0 THEN
        RAISE EXCEPTION 'The period has no working day.' USING ERRCODE = 'DF422', HINT = 'leave-no-working-day';
    END IF;
    IF EXISTS (SELECT FROM {schema}.leave_applications x WHERE x.uid = v_me AND x.status IN ('pending', 'approved')
               AND daterange(x.from_date, x.to_date, '[]') && daterange(p_from, p_to, '[]')) THEN
        RAISE EXCEPTION 'You have leave applied for or granted in this period.' USING ERRCODE = 'DF409', HINT = 'leave-overlaps';
    END IF;
    IF EXISTS (SELECT FROM {schema}.leave_applications x JOIN {schema}.leave_types y ON y.code = x.type
               WHERE x.uid = v_me AND x.status IN ('pending', 'approved') AND x.type <> p_type
                 AND (x.to_date = p_from - 1 OR x.from_date = p_to + 1) AND NOT (t.combinable AND y.combinable)) THEN
        RAISE EXCEPTION 'Casual leave is not combined with other leave.' USING ERRCODE = 'DF422', HINT = 'casual-leave-combined';
    END IF;
    IF p_extends IS NOT NULL AND NOT EXISTS (SELECT FROM {schema}.leave_applications x WHERE x.id = p_extends
                                             AND x.uid = v_me AND x.status = 'approved' AND x.type = p_type
                                             AND x.to_date = p_from - 1) THEN
        RAISE EXCEPTION 'extends names your approved leave of this type that ends the day before.' USING ERRCODE = 'DF422', HINT = 'leave-extends-invalid';
    END IF;
    IF t.per_occasion IS NOT NULL AND v_days > t.per_occasion THEN
        RAISE EXCEPTION '% is at most % days an application.', t.name, t.per_occasion USING ERRCODE = 'DF422', HINT = 'leave-over-per-occasion';
    END IF;
    IF t.career IS NOT NULL THEN
        INSERT INTO {schema}.leave_ledger (uid, type, days, kind, rule, by)
        VALUES (v_me, t.code, t.career, 'credit', t.code || ':career', 'system') ON CONFLICT (uid, type, rule) DO NOTHING;
    END IF;
    v_debit_type := coalesce(t.debit_from, t.code);
    IF t.per_occasion IS NULL THEN
        v_balance := {schema}.leave_balance(v_me, v_debit_type);
        IF v_balance < v_days * t.debit_factor THEN
            RAISE EXCEPTION 'Your % balance is % days; this needs %.', v_debit_type, v_balance, v_days * t.debit_factor
                USING ERRCODE = 'DF422', HINT = 'leave-balance-short';
        END IF;
    END IF;
    SELECT c.roles INTO v_roles FROM {schema}.leave_chains c
    WHERE c.type = p_type AND c.dept IN (v_dept, '*') AND c.min_days <= v_days
    ORDER BY c.dept = v_dept DESC, c.min_days DESC LIMIT 1;
    INSERT INTO {schema}.leave_applications (uid, dept, type, from_date, to_date, days, reason, extends, roles, waiting_role)
    VALUES (v_me, v_dept, p_type, p_from, p_to, v_days, coalesce(p_reason, ''), p_extends, v_roles, v_roles[1])
    RETURNING * INTO a;
    IF t.per_occasion IS NULL THEN
        INSERT INTO {schema}.leave_ledger (uid, type, days, kind, application, by)
        VALUES (v_me, v_debit_type, -(v_days * t.debit_factor), 'debit', a.id, v_me);
    END IF;
    UPDATE {schema}.leave_applications x SET level_due = {schema}.leave_wait(a.id, v_roles[1]) WHERE x.id = a.id
    RETURNING * INTO a;
    INSERT INTO {schema}.leave_actions (application, by, action, level, remarks)
    VALUES (a.id, v_me, 'applied', 1, coalesce(p_reason, ''));
    PERFORM {schema}.audit_append('leave.apply', v_me, jsonb_build_object('application', a.id, 'type', p_type, 'days', v_days));
    PERFORM {schema}.event_publish('leave.needs_me', a.id, {schema}.leave_waiters(a),
                                   jsonb_build_object('application_id', a.id, 'uid', a.uid, 'dept', a.dept));
    RETURN QUERY SELECT {schema}.leave_application_json(a), a.version;
END
$$;
