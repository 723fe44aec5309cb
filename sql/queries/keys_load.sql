-- keys_load: the signing keys still published (see lib/auth/state.c).
SELECT coalesce(json_agg(json_build_object(
           'kid', kid, 'public_pem', public_pem, 'private_enc', private_enc,
           'signs_from', extract(epoch FROM signs_from), 'signs_until', extract(epoch FROM signs_until))
       ORDER BY signs_from), '[]'::json)
FROM daftar.signing_keys
WHERE published_until IS NULL OR published_until > now()
