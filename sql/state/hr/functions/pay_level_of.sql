-- pay_level_of: the function in force. `daftar migrate` re-applies this
-- file when it changes.
-- The interface the training scope reads e-HRMS through for an audience of
-- a pay level (sql/state/training/functions/roster_sync.sql): officer
-- p_uid's pay level, for a member of the request's department only (NULL
-- for anyone else, and for an officer without service particulars). One
-- number about one officer: never their other particulars. No scope's role
-- may execute it but hr's own: the training scope's functions call it as
-- their owner, and state_training holds no privilege on this schema.
CREATE OR REPLACE FUNCTION {schema}.pay_level_of(p_uid text) RETURNS smallint
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT e.pay_level FROM {schema}.employees e
    WHERE e.uid = p_uid
      AND EXISTS (SELECT 1 FROM daftar.state_members m WHERE m.dept = current_setting('daftar.dept') AND m.uid = p_uid)
$$;
