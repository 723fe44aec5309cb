-- sees_progress_of: the function in force. `daftar migrate` re-applies this
-- file when it changes.
-- Who reads an officer's enrolments, progress, flags and completions: the
-- officer, and the nodal officer of a department they belong to. Nobody
-- else: not other departments, not the state (they see numbers only:
-- compliance_state.sql).
CREATE OR REPLACE FUNCTION {schema}.sees_progress_of(p_uid text) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT p_uid = current_setting('daftar.officer_uid') OR {schema}.nodal_of(p_uid)
$$;
