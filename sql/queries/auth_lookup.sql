-- auth_lookup: officer $1's credentials (null when unknown), for second-factor enrolment.
SELECT json_build_object(
    'officer', (SELECT json_build_object(
                    'hash', c.password_hash, 'active', o.status = 'active', 'must_change', c.must_change,
                    'locked', coalesce(c.locked_until > now(), false),
                    'totp', c.totp_enabled, 'totp_secret', c.totp_secret, 'totp_last_step', c.totp_last_step,
                    'totp_required', daftar.totp_required(o.uid),
                    'claims', daftar.officer_claims(o.uid))
                FROM daftar.officers o JOIN daftar.credentials c USING (uid)
                WHERE o.uid = $1))
