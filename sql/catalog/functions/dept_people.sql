-- dept_people: the querying department's officers, whatever their status, with
-- their name and their designation there: what responses show beside a UID (the
-- `officers` map, {schema}.officers_json), read at each request so a changed
-- name or designation shows at once. Like dept_members, the querying role is
-- dept_<code> and sees its own members only (security_barrier); an officer who
-- has left the department is not there, and their UID stands alone.
CREATE OR REPLACE VIEW daftar.dept_people WITH (security_barrier) AS
    SELECT o.uid, o.name, m.designation
    FROM daftar.officers o JOIN daftar.memberships m ON m.uid = o.uid
    WHERE m.dept = substr(current_user, 6) AND 'dept_' || m.dept = current_user; -- the first for the index
GRANT SELECT ON daftar.dept_people TO daftar_dept;
