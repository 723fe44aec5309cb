-- principal_changed: the function in force (with its triggers). `daftar migrate` re-applies this file
-- when it changes; earlier bodies are history in sql/catalog/ 0013.
CREATE OR REPLACE FUNCTION daftar.principal_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'departments' THEN
        PERFORM pg_notify('daftar_officers', '');
    ELSIF TG_TABLE_NAME = 'service_accounts' THEN
        PERFORM pg_notify('daftar_officers', coalesce(NEW.client_id, OLD.client_id));
    ELSE
        PERFORM pg_notify('daftar_officers', coalesce(NEW.uid, OLD.uid));
    END IF;
    RETURN NULL;
END
$$;
CREATE OR REPLACE TRIGGER memberships_changed AFTER INSERT OR UPDATE OR DELETE ON daftar.memberships
    FOR EACH ROW EXECUTE FUNCTION daftar.principal_changed();
CREATE OR REPLACE TRIGGER officers_changed AFTER UPDATE OF clearance, status ON daftar.officers
    FOR EACH ROW EXECUTE FUNCTION daftar.principal_changed();
CREATE OR REPLACE TRIGGER service_accounts_changed AFTER UPDATE OF dept, roles, status ON daftar.service_accounts
    FOR EACH ROW EXECUTE FUNCTION daftar.principal_changed();
CREATE OR REPLACE TRIGGER departments_changed AFTER UPDATE OF status ON daftar.departments
    FOR EACH ROW EXECUTE FUNCTION daftar.principal_changed();
