-- totp_required: the function in force. `daftar migrate` re-applies this file
-- when it changes; earlier bodies are history in sql/catalog/ 0004.
-- dept_admin anywhere, or clearance confidential and above, needs a second factor.
CREATE OR REPLACE FUNCTION daftar.totp_required(p_uid text) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT o.clearance IN ('confidential', 'secret')
        OR EXISTS (SELECT 1 FROM daftar.memberships m WHERE m.uid = o.uid AND 'dept_admin' = ANY (m.roles))
    FROM daftar.officers o WHERE o.uid = p_uid
$$;
