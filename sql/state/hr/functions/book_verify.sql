-- book_verify: the function in force. `daftar migrate` re-applies this file
-- when it changes.
-- Recomputes p_uid's chain of attested entries (the rows the caller may
-- read): {"ok", "checked", "first_broken": n or null}.
CREATE OR REPLACE FUNCTION {schema}.book_verify(p_uid text) RETURNS json
LANGUAGE plpgsql STABLE AS $$
DECLARE
    e {schema}.service_book;
    prev text := '';
    checked integer := 0;
BEGIN
    FOR e IN SELECT * FROM {schema}.service_book b WHERE b.uid = p_uid AND b.chain IS NOT NULL ORDER BY b.chain LOOP
        IF e.chain <> checked + 1 OR e.prev_hash <> prev
           OR e.hash <> encode(sha256(convert_to(prev || {schema}.entry_text(e), 'UTF8')), 'hex') THEN
            RETURN json_build_object('ok', false, 'checked', checked, 'first_broken', e.n);
        END IF;
        prev := e.hash;
        checked := checked + 1;
    END LOOP;
    RETURN json_build_object('ok', true, 'checked', checked, 'first_broken', NULL);
END
$$;
