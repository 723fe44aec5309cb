-- 0007_data_key: the department's role reads its sealed data key and sets it
-- the first time a confidential document arrives (see catalog 0010), through
-- the catalog view dept_key, which it reaches as a member of daftar_dept (catalog 0012).

-- Sets the sealed key unless one is there, and returns the one that is
-- (another server may have set it first).
CREATE FUNCTION {schema}.data_key_ensure(p_sealed text) RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE daftar.dept_key SET data_key = p_sealed WHERE data_key IS NULL;
    RETURN (SELECT data_key FROM daftar.dept_key);
END
$$;
REVOKE EXECUTE ON FUNCTION {schema}.data_key_ensure(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION {schema}.data_key_ensure(text) TO {role};
