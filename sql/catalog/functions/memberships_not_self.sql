-- memberships_not_self: nobody changes their own membership (security review
-- item 8: an hr_admin granted itself records_officer and so read every
-- restricted file). Whatever path a request takes to daftar.memberships, the
-- officer it runs for (daftar.officer_uid) may not be the member changed;
-- operators' CLI changes run for no officer.
CREATE OR REPLACE FUNCTION daftar.memberships_not_self() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    v_caller text := coalesce(current_setting('daftar.officer_uid', true), '');
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.uid = v_caller THEN
            RAISE EXCEPTION 'Nobody changes their own membership.' USING ERRCODE = 'DF403';
        END IF;
        RETURN NEW;
    END IF;
    IF OLD.uid = v_caller OR (TG_OP = 'UPDATE' AND NEW.uid = v_caller) THEN
        RAISE EXCEPTION 'Nobody changes their own membership.' USING ERRCODE = 'DF403';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END
$$;
REVOKE EXECUTE ON FUNCTION daftar.memberships_not_self() FROM PUBLIC;
CREATE OR REPLACE TRIGGER memberships_not_self BEFORE INSERT OR UPDATE OR DELETE ON daftar.memberships
    FOR EACH ROW EXECUTE FUNCTION daftar.memberships_not_self();
