-- state_members: the view in force. `daftar migrate` re-applies this file
-- when it changes.
-- What a statewide scope's rules know of memberships: the active
-- memberships of active officers in the request's department (daftar.dept)
-- and the caller's own (daftar.officer_uid), nothing of other departments.
-- Rules keyed on membership ("the establishment of a department the officer
-- belongs to") read it; the server's officer cache answers the same
-- questions for routing, from the same rows. section (catalog 0024) is what
-- a training assignment's audience may name.
CREATE OR REPLACE VIEW daftar.state_members WITH (security_barrier) AS
    SELECT m.uid, m.dept, m.roles, m.designation, m.section
    FROM daftar.memberships m
    JOIN daftar.officers o ON o.uid = m.uid
    JOIN daftar.departments d ON d.code = m.dept
    WHERE o.status = 'active' AND d.status = 'active'
      AND (m.dept = current_setting('daftar.dept', true) OR m.uid = current_setting('daftar.officer_uid', true));
GRANT SELECT ON daftar.state_members TO daftar_state;
