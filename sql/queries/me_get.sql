-- me_get: the calling officer (the UID set for this transaction), with memberships and the last
-- 20 things others did to its credentials (security_events).
SELECT json_build_object(
    'uid', o.uid, 'name', o.name, 'home_dept', o.home_dept, 'clearance', o.clearance, 'status', o.status,
    'second_factor', c.totp_enabled, 'password_change_required', c.must_change,
    'memberships', coalesce((SELECT json_agg(json_build_object('dept', m.dept, 'roles', m.roles,
                                                               'designation', m.designation) ORDER BY m.dept)
                             FROM daftar.memberships m WHERE m.uid = o.uid), '[]'::json),
    'security_events', coalesce((SELECT json_agg(json_build_object(
                                     'kind', e.kind, 'by', e.by_uid, 'dept', e.dept,
                                     'at', to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
                                     ORDER BY e.at DESC)
                                 FROM (SELECT * FROM daftar.security_events WHERE uid = o.uid
                                       ORDER BY at DESC LIMIT 20) e), '[]'::json))
FROM daftar.officers o JOIN daftar.credentials c USING (uid)
WHERE o.uid = current_setting('daftar.officer_uid')
