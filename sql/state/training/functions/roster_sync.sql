-- roster_sync: the function in force. `daftar migrate` re-applies this file
-- when it changes.
-- The roster of assignment a in the request's department, made anew from
-- its memberships (daftar.state_members shows the request's department):
-- members in the audience are added, those no longer in it (posted away,
-- role, designation or pay level changed) leave it. A pay level is read
-- from e-HRMS through its interface (state_hr.pay_level_of), only for an
-- audience of pay levels. Called by the functions that
-- make and sync assignments, which check who may.
CREATE OR REPLACE FUNCTION {schema}.roster_sync(a {schema}.assignments, OUT added integer, OUT removed integer)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_dept text := current_setting('daftar.dept');
BEGIN
    DELETE FROM {schema}.assignees x
    WHERE x.assignment = a.id AND x.dept = v_dept
      AND NOT EXISTS (SELECT FROM daftar.state_members m WHERE m.dept = v_dept AND m.uid = x.uid
                      AND {schema}.audience_matches(a.audience, a.audience_value, m.roles, m.designation, m.section,
                                                  CASE WHEN a.audience = 'pay_level' THEN state_hr.pay_level_of(m.uid) END));
    GET DIAGNOSTICS removed = ROW_COUNT;
    INSERT INTO {schema}.assignees (assignment, dept, uid, overdue)
    SELECT a.id, v_dept, m.uid, a.overdue_at IS NOT NULL AND NOT {schema}.completed_by(m.uid, a.course, a.deadline)
    FROM daftar.state_members m
    WHERE m.dept = v_dept AND {schema}.audience_matches(a.audience, a.audience_value, m.roles, m.designation, m.section,
                                                  CASE WHEN a.audience = 'pay_level' THEN state_hr.pay_level_of(m.uid) END)
    ON CONFLICT DO NOTHING;
    GET DIAGNOSTICS added = ROW_COUNT;
END
$$;
