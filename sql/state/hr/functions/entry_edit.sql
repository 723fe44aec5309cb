-- entry_edit: the function in force. `daftar migrate` re-applies this file
-- when it changes.
-- The establishment changes a draft (that version); attested entries never change.
CREATE OR REPLACE FUNCTION {schema}.entry_edit(p_uid text, p_n integer, p_version integer, p_kind text, p_effective date,
                                               p_details text)
RETURNS TABLE (entry json, version integer)
LANGUAGE plpgsql AS $$
DECLARE
    e {schema}.service_book := {schema}.entry_current(p_uid, p_n, p_version, 'establishment');
BEGIN
    UPDATE {schema}.service_book b SET kind = coalesce(p_kind, b.kind), effective = coalesce(p_effective, b.effective),
                                       details = coalesce(p_details, b.details), version = b.version + 1
    WHERE b.id = e.id AND b.version = p_version RETURNING * INTO e;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'The entry changed since you read it; read it again.' USING ERRCODE = 'DF412';
    END IF;
    PERFORM {schema}.audit_append('service_book.edit', p_uid, jsonb_build_object('n', e.n, 'version', e.version));
    RETURN QUERY SELECT {schema}.entry_json(e), e.version;
END
$$;
