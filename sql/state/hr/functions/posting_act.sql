-- posting_act: the function in force. `daftar migrate` re-applies this file
-- when it changes.
-- A step of posting order p_id at version p_version, in the request's department:
--   relieve: its establishment, the department relieved from, on or after
--     the effective date: the membership ends (unless the order keeps the
--     officer in this department), and the service book has a draft entry;
--   join: the establishment of the department joined, once relieved (or
--     at once for a promotion in place): a membership with the order's
--     roles and designation starts, and the service book has a draft entry;
--   cancel: the establishment relieving from, while ordered.
-- The officer's next request sees the membership change.
CREATE OR REPLACE FUNCTION {schema}.posting_act(p_id uuid, p_version integer, p_action text)
RETURNS TABLE (posting json, version integer)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_me text := current_setting('daftar.officer_uid');
    v_dept text := current_setting('daftar.dept');
    v_est boolean := position(',establishment,' IN current_setting('daftar.roles')) > 0;
    p {schema}.postings;
    v_today date := (now() AT TIME ZONE 'Asia/Kolkata')::date;
BEGIN
    SELECT * INTO p FROM {schema}.postings x WHERE x.id = p_id FOR UPDATE;
    IF NOT FOUND OR NOT v_est OR v_dept NOT IN (p.from_dept, p.to_dept) THEN
        RAISE EXCEPTION 'No such posting order.' USING ERRCODE = 'DF404';
    END IF;
    IF p.uid = v_me THEN
        RAISE EXCEPTION 'Your own posting is carried out by another officer.' USING ERRCODE = 'DF403', HINT = 'own-posting';
    END IF;
    IF p.version <> p_version THEN
        RAISE EXCEPTION 'The order changed since you read it; read it again.' USING ERRCODE = 'DF412';
    END IF;
    IF p_action = 'relieve' THEN
        IF v_dept <> p.from_dept OR p.status <> 'ordered' OR p.from_dept = p.to_dept THEN
            RAISE EXCEPTION 'Only an ordered transfer is relieved, by the department it leaves.' USING ERRCODE = 'DF409', HINT = 'posting-not-relievable';
        END IF;
        IF p.effective > v_today THEN
            RAISE EXCEPTION 'The order takes effect on %.', p.effective USING ERRCODE = 'DF409', HINT = 'posting-not-yet-effective';
        END IF;
        PERFORM {schema}.entry_add(p.uid, 'posting', v_today,
                                   format('Relieved from %s on %s to join %s as %s (order %s).', p.from_dept, v_today,
                                          p.to_dept, p.designation, p.order_no), NULL);
        PERFORM daftar.posting_membership(p.uid, p.from_dept, NULL, NULL);
        UPDATE {schema}.postings x SET status = 'relieved', relieved_by = v_me, relieved_at = now(), version = x.version + 1
        WHERE x.id = p.id RETURNING * INTO p;
    ELSIF p_action = 'join' THEN
        IF v_dept <> p.to_dept OR NOT (p.status = 'relieved' OR (p.status = 'ordered' AND p.from_dept = p.to_dept)) THEN
            RAISE EXCEPTION 'An officer joins the department named, once relieved.' USING ERRCODE = 'DF409', HINT = 'posting-not-joinable';
        END IF;
        IF p.effective > v_today THEN
            RAISE EXCEPTION 'The order takes effect on %.', p.effective USING ERRCODE = 'DF409', HINT = 'posting-not-yet-effective';
        END IF;
        PERFORM daftar.posting_membership(p.uid, p.to_dept, p.roles, p.designation);
        PERFORM {schema}.entry_add(p.uid, CASE WHEN p.kind = 'promotion' THEN 'promotion' ELSE 'posting' END, v_today,
                                   format('Joined %s on %s as %s (order %s).', p.to_dept, v_today, p.designation,
                                          p.order_no), NULL);
        UPDATE {schema}.postings x SET status = 'joined', joined_by = v_me, joined_at = now(), version = x.version + 1
        WHERE x.id = p.id RETURNING * INTO p;
    ELSIF p_action = 'cancel' THEN
        IF v_dept <> p.from_dept OR p.status <> 'ordered' THEN
            RAISE EXCEPTION 'Only an order not yet carried out is cancelled, by the department that made it.'
                USING ERRCODE = 'DF409', HINT = 'posting-not-cancellable';
        END IF;
        UPDATE {schema}.postings x SET status = 'cancelled', version = x.version + 1 WHERE x.id = p.id RETURNING * INTO p;
    ELSE
        RAISE EXCEPTION 'No such action.' USING ERRCODE = 'DF422', HINT = 'no-such-action';
    END IF;
    PERFORM {schema}.audit_append('posting.' || p_action, p.uid, jsonb_build_object('posting', p.id));
    RETURN QUERY SELECT {schema}.posting_json(p), p.version;
END
$$;
