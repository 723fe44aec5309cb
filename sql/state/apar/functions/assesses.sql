-- assesses: the function in force. `daftar migrate` re-applies this file
-- when it changes.
-- The caller is the reporting, reviewing or accepting authority of a form
-- of officer p_uid: what the training scope asks before it shows an APAR
-- authority that officer's mandatory training status
-- (sql/state/training/functions/mandatory_status.sql). A yes or no about
-- the caller only.
CREATE OR REPLACE FUNCTION {schema}.assesses(p_uid text) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT EXISTS (SELECT 1 FROM {schema}.forms f
                   WHERE f.uid = p_uid AND current_setting('daftar.officer_uid') IN (f.reporting, f.reviewing, f.accepting))
$$;
