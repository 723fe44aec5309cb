-- entry_attest: the function in force. `daftar migrate` re-applies this file
-- when it changes.
-- The head of office attests a draft (that version): never their own entry
-- (four eyes), and then it never changes. It joins the book's chain:
-- hash = SHA-256(previous attested entry's hash, or '' || entry_text).
CREATE OR REPLACE FUNCTION {schema}.entry_attest(p_uid text, p_n integer, p_version integer)
RETURNS TABLE (entry json, version integer)
LANGUAGE plpgsql AS $$
DECLARE
    e {schema}.service_book;
    last {schema}.service_book;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended('service_book:' || p_uid, 0));
    e := {schema}.entry_current(p_uid, p_n, p_version, 'hoo');
    IF e.entered_by = current_setting('daftar.officer_uid') THEN
        RAISE EXCEPTION 'Another officer attests the entries you entered.' USING ERRCODE = 'DF403', HINT = 'attest-own-entry';
    END IF;
    SELECT * INTO last FROM {schema}.service_book b WHERE b.uid = p_uid AND b.chain IS NOT NULL
    ORDER BY b.chain DESC LIMIT 1;
    e.status := 'attested';
    e.attested_by := current_setting('daftar.officer_uid');
    e.attested_at := date_trunc('milliseconds', clock_timestamp());
    e.chain := coalesce(last.chain, 0) + 1;
    e.prev_hash := coalesce(last.hash, '');
    e.hash := encode(sha256(convert_to(e.prev_hash || {schema}.entry_text(e), 'UTF8')), 'hex');
    UPDATE {schema}.service_book b SET status = e.status, attested_by = e.attested_by, attested_at = e.attested_at,
                                       chain = e.chain, prev_hash = e.prev_hash, hash = e.hash, version = b.version + 1
    WHERE b.id = e.id AND b.version = p_version RETURNING * INTO e;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'The entry changed since you read it; read it again.' USING ERRCODE = 'DF412';
    END IF;
    PERFORM {schema}.audit_append('service_book.attest', p_uid, jsonb_build_object('n', e.n, 'hash', e.hash));
    RETURN QUERY SELECT {schema}.entry_json(e), e.version;
END
$$;
