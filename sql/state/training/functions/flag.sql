-- flag: the function in force. `daftar migrate` re-applies this file when it
-- changes.
-- Appends an anomaly flag for the nodal officer; it informs and changes no
-- progress.
CREATE OR REPLACE FUNCTION {schema}.flag(p_uid text, p_course uuid, p_enrolment uuid, p_kind text, p_detail jsonb)
RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    INSERT INTO {schema}.flags (uid, course, enrolment, kind, detail) VALUES (p_uid, p_course, p_enrolment, p_kind, p_detail)
$$;
