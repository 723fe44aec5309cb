-- memberships_cap: the function in force (with its triggers). `daftar migrate` re-applies this file
-- when it changes; earlier bodies are history in sql/catalog/ 0011.
-- 0011_membership_cap: an officer belongs to at most 100 departments.
-- Access tokens carry the memberships, and the server refuses a token with
-- more than it can hold (DFT_AUTH_MAX_MEMBERSHIPS in lib/auth/auth.h): without
-- this cap the 101st membership gave the officer tokens that every request
-- refused. 100 covers a statewide officer in every department of a state
-- (about 75). The officer's row is locked so two grants at once cannot both
-- pass the count.
CREATE OR REPLACE FUNCTION daftar.memberships_cap() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
BEGIN
    PERFORM 1 FROM daftar.officers WHERE uid = NEW.uid FOR UPDATE;
    IF (SELECT count(*) FROM daftar.memberships WHERE uid = NEW.uid) >= 100 THEN
        RAISE EXCEPTION 'An officer can be a member of at most 100 departments.' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$;
CREATE OR REPLACE TRIGGER memberships_cap BEFORE INSERT ON daftar.memberships FOR EACH ROW EXECUTE FUNCTION daftar.memberships_cap();
