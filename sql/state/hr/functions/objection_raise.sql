-- objection_raise: the function in force. `daftar migrate` re-applies this
-- file when it changes.
-- The officer objects to an attested entry of their own book; it waits in
-- the establishment's queue (open objections) until answered.
CREATE OR REPLACE FUNCTION {schema}.objection_raise(p_uid text, p_n integer, p_remarks text) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    o {schema}.objections;
BEGIN
    IF p_uid <> current_setting('daftar.officer_uid') THEN
        RAISE EXCEPTION 'Only the officer objects to entries of their own book.' USING ERRCODE = 'DF403', HINT = 'objection-own-book-only';
    END IF;
    IF NOT EXISTS (SELECT FROM {schema}.service_book b WHERE b.uid = p_uid AND b.n = p_n AND b.status = 'attested') THEN
        RAISE EXCEPTION 'No such attested entry in your book.' USING ERRCODE = 'DF404';
    END IF;
    INSERT INTO {schema}.objections (uid, n, remarks) VALUES (p_uid, p_n, p_remarks) RETURNING * INTO o;
    PERFORM {schema}.audit_append('service_book.object', p_uid, jsonb_build_object('n', p_n, 'objection', o.id));
    RETURN {schema}.objection_json(o);
END
$$;
