-- entry_add: the function in force. `daftar migrate` re-applies this file
-- when it changes.
-- The establishment enters a draft in p_uid's book: the next number of the
-- book (one writer at a time per book); a correction names an attested entry.
CREATE OR REPLACE FUNCTION {schema}.entry_add(p_uid text, p_kind text, p_effective date, p_details text, p_corrects integer)
RETURNS TABLE (entry json, version integer)
LANGUAGE plpgsql AS $$
DECLARE
    e {schema}.service_book;
BEGIN
    IF NOT {schema}.establishes(p_uid) THEN
        RAISE EXCEPTION 'No such officer in this department, or you do not keep their records.' USING ERRCODE = 'DF404';
    END IF;
    IF p_uid = current_setting('daftar.officer_uid') THEN
        RAISE EXCEPTION 'Your own service book is kept by another officer of the establishment.' USING ERRCODE = 'DF403', HINT = 'own-records';
    END IF;
    PERFORM pg_advisory_xact_lock(hashtextextended('service_book:' || p_uid, 0));
    IF p_corrects IS NOT NULL AND NOT EXISTS (SELECT FROM {schema}.service_book b
                                              WHERE b.uid = p_uid AND b.n = p_corrects AND b.status = 'attested') THEN
        RAISE EXCEPTION 'corrects must name an attested entry of this book.' USING ERRCODE = 'DF422', HINT = 'correction-target-invalid';
    END IF;
    INSERT INTO {schema}.service_book (uid, n, kind, effective, details, corrects, dept, entered_by)
    VALUES (p_uid, coalesce((SELECT max(b.n) FROM {schema}.service_book b WHERE b.uid = p_uid), 0) + 1, p_kind, p_effective,
            p_details, p_corrects, current_setting('daftar.dept'), current_setting('daftar.officer_uid'))
    RETURNING * INTO e;
    PERFORM {schema}.audit_append('service_book.enter', p_uid, jsonb_build_object('n', e.n, 'kind', e.kind));
    RETURN QUERY SELECT {schema}.entry_json(e), e.version;
END
$$;
