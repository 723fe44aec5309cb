-- auth_lookup: what a password login needs: failures from the client's
-- address in the last 15 minutes, and officer $1 (null when unknown).
SELECT json_build_object(
    'address_failures', (SELECT coalesce(sum(failures), 0) FROM daftar.address_failures
                         WHERE addr = current_setting('daftar.client_addr') AND minute > now() - interval '15 minutes'),
    'officer', (SELECT json_build_object(
                    'hash', c.password_hash, 'active', o.status = 'active', 'must_change', c.must_change,
                    'locked', coalesce(c.locked_until > now(), false),
                    'totp', c.totp_enabled, 'totp_secret', c.totp_secret, 'totp_last_step', c.totp_last_step,
                    'totp_required', daftar.totp_required(o.uid),
                    'claims', daftar.officer_claims(o.uid))
                FROM daftar.officers o JOIN daftar.credentials c USING (uid)
                WHERE o.uid = $1))
