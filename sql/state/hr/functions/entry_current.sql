-- entry_current: the function in force. `daftar migrate` re-applies this
-- file when it changes.
-- Draft p_n of p_uid's book at p_version for a caller with p_role
-- over the officer (in_charge.sql): 404 when they may not see it, 409 when
-- it is attested, 412 when the version moved on, 403 for their own book.
CREATE OR REPLACE FUNCTION {schema}.entry_current(p_uid text, p_n integer, p_version integer, p_role text)
RETURNS {schema}.service_book
LANGUAGE plpgsql AS $$
DECLARE
    e {schema}.service_book;
BEGIN
    -- not FOR UPDATE: that would apply the update policy, which hides attested
    -- entries (409 here); the caller's UPDATE names the version instead
    SELECT * INTO e FROM {schema}.service_book b WHERE b.uid = p_uid AND b.n = p_n;
    IF NOT FOUND OR NOT {schema}.in_charge(p_uid, p_role) THEN
        RAISE EXCEPTION 'No such entry, or you may not change it.' USING ERRCODE = 'DF404';
    END IF;
    IF p_uid = current_setting('daftar.officer_uid') THEN
        RAISE EXCEPTION 'Your own service book is kept by other officers.' USING ERRCODE = 'DF403', HINT = 'own-records';
    END IF;
    IF e.status = 'attested' THEN
        RAISE EXCEPTION 'This entry is attested and never changes; enter a correction that names it.' USING ERRCODE = 'DF409', HINT = 'entry-attested';
    END IF;
    IF e.version <> p_version THEN
        RAISE EXCEPTION 'The entry changed since you read it; read it again.' USING ERRCODE = 'DF412';
    END IF;
    RETURN e;
END
$$;
