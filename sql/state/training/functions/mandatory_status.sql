-- mandatory_status: the function in force. `daftar migrate` re-applies
-- this file when it changes.
-- The interface APAR reads training through (an APAR form shows the
-- officer's mandatory training status for its period): for officer p_uid,
-- each mandatory course whose deadline falls from p_from to p_to (an
-- assignment whose roster holds them), completed or not by its deadline
-- (completed_by) and whether it was marked overdue, with the counts and
-- one status (none, complete, incomplete). Status only: never progress,
-- scores, flags or client tags. Who asks: the officer, their nodal
-- officer, or an APAR authority on a form of theirs (state_apar.assesses,
-- the APAR scope's answer to "does the caller report on p_uid"); anyone
-- else: 404. The APAR scope's role may execute this and nothing else of
-- the training scope (it holds no privilege on its tables).
CREATE OR REPLACE FUNCTION {schema}.mandatory_status(p_uid text, p_from date, p_to date) RETURNS json
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_courses json;
    v_all integer;
    v_done integer;
BEGIN
    -- Two statements, not one OR: nodal_of inlines a subquery (state_members), so an expression holding it
    -- starts an executor at every call even when an earlier term decides; the first is a plain expression.
    -- An APAR form read (its authorities) half as costly: bench/README.md, issue 25 §5.
    IF p_uid = current_setting('daftar.officer_uid') OR state_apar.assesses(p_uid) THEN
        NULL;
    ELSIF NOT {schema}.nodal_of(p_uid) THEN
        RAISE EXCEPTION 'No such officer.' USING ERRCODE = 'DF404';
    END IF;
    SELECT json_agg(json_build_object('code', x.code, 'title', x.title, 'title_hi', x.title_hi, 'deadline', x.deadline,
                                      'completed', x.done, 'overdue', x.overdue) ORDER BY x.deadline, x.code),
           count(*), count(*) FILTER (WHERE x.done)
    INTO v_courses, v_all, v_done
    FROM (SELECT c.code, c.title, c.title_hi, a.deadline, bool_or(r.overdue) AS overdue,
                 {schema}.completed_by(p_uid, c.id, a.deadline) AS done
          FROM {schema}.assignees r
          JOIN {schema}.assignments a ON a.id = r.assignment
          JOIN {schema}.courses c ON c.id = a.course
          WHERE r.uid = p_uid AND a.deadline BETWEEN p_from AND p_to
          GROUP BY c.id, a.deadline) x;
    RETURN json_build_object('from', p_from, 'to', p_to, 'mandatory', v_all, 'completed', v_done,
                             'status', CASE WHEN v_all = 0 THEN 'none' WHEN v_done = v_all THEN 'complete'
                                            ELSE 'incomplete' END,
                             'courses', coalesce(v_courses, '[]'::json));
END
$$;
GRANT USAGE ON SCHEMA {schema} TO state_apar;
GRANT EXECUTE ON FUNCTION {schema}.mandatory_status(text, date, date) TO state_apar;
