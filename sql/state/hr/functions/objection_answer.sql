-- objection_answer: the function in force. `daftar migrate` re-applies this
-- file when it changes.
-- The establishment answers an open objection: corrected (naming the
-- correction entry, which must correct the entry objected to) or rejected
-- with reasons.
CREATE OR REPLACE FUNCTION {schema}.objection_answer(p_uid text, p_id bigint, p_status text, p_answer text,
                                                     p_correction integer) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    o {schema}.objections;
BEGIN
    -- not FOR UPDATE (the update policy would hide answered ones: 409 below);
    -- the UPDATE takes only an open one
    SELECT * INTO o FROM {schema}.objections x WHERE x.id = p_id AND x.uid = p_uid;
    IF NOT FOUND OR NOT {schema}.establishes(p_uid) THEN
        RAISE EXCEPTION 'No such objection, or you do not keep this officer''s records.' USING ERRCODE = 'DF404';
    END IF;
    IF p_uid = current_setting('daftar.officer_uid') THEN
        RAISE EXCEPTION 'Objections to your own book are answered by another officer.' USING ERRCODE = 'DF403', HINT = 'own-records';
    END IF;
    IF o.status <> 'open' THEN
        RAISE EXCEPTION 'This objection is answered already.' USING ERRCODE = 'DF409', HINT = 'objection-answered-already';
    END IF;
    IF p_status = 'corrected' AND NOT EXISTS (SELECT FROM {schema}.service_book b WHERE b.uid = p_uid
                                              AND b.n = p_correction AND b.corrects = o.n) THEN
        RAISE EXCEPTION 'correction must name an entry that corrects the entry objected to.' USING ERRCODE = 'DF422', HINT = 'correction-target-invalid';
    END IF;
    IF p_status = 'rejected' AND coalesce(p_answer, '') = '' THEN
        RAISE EXCEPTION 'A rejection gives its reasons in answer.' USING ERRCODE = 'DF422', HINT = 'rejection-needs-reasons';
    END IF;
    UPDATE {schema}.objections x SET status = p_status, answer = p_answer,
                                     correction = CASE WHEN p_status = 'corrected' THEN p_correction END,
                                     answered_by = current_setting('daftar.officer_uid'), answered_at = now()
    WHERE x.id = o.id AND x.status = 'open' RETURNING * INTO o;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'This objection is answered already.' USING ERRCODE = 'DF409', HINT = 'objection-answered-already';
    END IF;
    PERFORM {schema}.audit_append('service_book.answer', p_uid, jsonb_build_object('objection', o.id, 'status', o.status));
    RETURN {schema}.objection_json(o);
END
$$;
