-- 0008_read_audit: reading the content of a confidential or secret file —
-- its notesheet, its documents' list, its track — is audited like reading
-- the file itself. Listing routes read the file through this function.

-- The file if the caller may see it (a row of NULLs otherwise); a read of
-- confidential or secret content appends audit event `p_what`.
CREATE FUNCTION {schema}.visible_file(p_id uuid, p_what text) RETURNS {schema}.files
LANGUAGE plpgsql AS $$
DECLARE
    f {schema}.files;
BEGIN
    SELECT * INTO f FROM {schema}.files WHERE id = p_id;
    IF NOT FOUND OR NOT {schema}.may_see(f) THEN
        RETURN NULL;
    END IF;
    IF f.classification IN ('confidential', 'secret') THEN
        PERFORM {schema}.audit(p_what, f.id, '{}');
    END IF;
    RETURN f;
END
$$;

REVOKE EXECUTE ON FUNCTION {schema}.visible_file(uuid, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION {schema}.visible_file(uuid, text) TO {role};
