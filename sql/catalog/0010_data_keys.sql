-- 0010_data_keys: each department's data key for documents: 32 random bytes
-- sealed by the server under the master key (AES-256-GCM, hex). The database
-- never sees it in clear. A department's role reaches only its own key,
-- through daftar.dept_key (current_user inside a view is the querying role),
-- may set it once, and never change it.
ALTER TABLE daftar.departments ADD COLUMN data_key text CHECK (data_key ~ '^[0-9a-f]{120}$');

CREATE FUNCTION daftar.data_key_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.data_key IS NOT NULL AND NEW.data_key IS DISTINCT FROM OLD.data_key THEN
        RAISE EXCEPTION 'A department''s data key is set once.' USING ERRCODE = 'DF409';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER departments_data_key BEFORE UPDATE OF data_key ON daftar.departments
    FOR EACH ROW EXECUTE FUNCTION daftar.data_key_guard();

CREATE VIEW daftar.dept_key WITH (security_barrier) AS
    SELECT code, data_key FROM daftar.departments WHERE 'dept_' || code = current_user;
