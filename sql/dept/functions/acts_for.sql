-- acts_for: the function in force. `daftar migrate` re-applies this file
-- when it changes.
-- The caller acts for p_uid: it is the caller, or the caller holds p_uid's
-- charge (holds_charge_of).
CREATE OR REPLACE FUNCTION {schema}.acts_for(p_uid text) RETURNS boolean
LANGUAGE sql STABLE AS $$ SELECT p_uid = {schema}.me() OR {schema}.holds_charge_of(p_uid) $$;
