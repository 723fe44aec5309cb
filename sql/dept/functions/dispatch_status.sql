-- dispatch_status: the dispatch section records what happened to a letter
-- (If-Match: its version). issued -> sent (post: with the consignment
-- number) -> delivered | returned; issued -> cancelled, never after sent.
-- E-mail letters are sent by the server, letters to departments through
-- the exchange, and the receiving department's acknowledgement delivers
-- them: none of those by hand here (409). Delivered publishes a live event
-- (dispatch_delivered_publish; for a department's letter, daftar.dak_delivered).
CREATE OR REPLACE FUNCTION {schema}.dispatch_status(p_id uuid, p_version integer, p_status text, p_consignment text,
                                                    p_remarks text)
RETURNS TABLE (dispatch json, version integer)
LANGUAGE plpgsql AS $$
DECLARE
    x {schema}.dispatches := {schema}.held_dispatch(p_id);
BEGIN
    IF x.version <> p_version THEN
        RAISE EXCEPTION 'The dispatch has changed since you read it.' USING ERRCODE = 'DF412';
    END IF;
    IF p_status = 'cancelled' AND x.status <> 'issued' THEN
        RAISE EXCEPTION 'Only a letter not yet sent can be cancelled; this one is %.', x.status USING ERRCODE = 'DF409', HINT = 'dispatch-cancel-after-sending';
    ELSIF p_status = 'sent' AND x.status <> 'issued' THEN
        RAISE EXCEPTION 'Only an issued letter is sent; this one is %.', x.status USING ERRCODE = 'DF409', HINT = 'dispatch-not-issued';
    ELSIF p_status IN ('delivered', 'returned') AND x.status <> 'sent' THEN
        RAISE EXCEPTION 'Only a sent letter is delivered or returned; this one is %.', x.status USING ERRCODE = 'DF409', HINT = 'dispatch-not-sent';
    END IF;
    IF p_status <> 'cancelled' AND x.mode = 'email' AND p_status = 'sent' THEN
        RAISE EXCEPTION 'E-mail letters are sent by the server.' USING ERRCODE = 'DF409', HINT = 'dispatch-sent-by-server';
    END IF;
    IF p_status <> 'cancelled' AND x.mode = 'department' THEN
        RAISE EXCEPTION 'A letter to a department is sent through the exchange and delivered by its acknowledgement.'
            USING ERRCODE = 'DF409', HINT = 'dispatch-through-exchange';
    END IF;
    IF p_status = 'sent' AND x.mode = 'post' AND p_consignment IS NULL THEN
        RAISE EXCEPTION 'A letter sent by post needs its consignment number.' USING ERRCODE = 'DF422', HINT = 'consignment-required';
    END IF;
    UPDATE {schema}.dispatches y SET status = p_status, consignment = coalesce(p_consignment, y.consignment), status_at = now(),
                                     version = y.version + 1
    WHERE y.id = p_id RETURNING * INTO x;
    INSERT INTO {schema}.dispatch_events (dispatch_id, seq, status, by_uid, consignment, remarks)
    SELECT p_id, max(e.seq) + 1, p_status, {schema}.me(), p_consignment, coalesce(p_remarks, '')
    FROM {schema}.dispatch_events e WHERE e.dispatch_id = p_id;
    PERFORM {schema}.audit('dispatch.' || p_status, x.file_id, json_build_object('dispatch', x.id,
                                                                               'number', x.dispatch_number));
    IF p_status = 'delivered' THEN -- a live event to who issued it and who wrote the letter
        PERFORM {schema}.dispatch_delivered_publish(x.id);
    END IF;
    RETURN QUERY SELECT {schema}.dispatch_json(x), x.version;
END
$$;
