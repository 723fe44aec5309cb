-- auth_logout: revokes the whole family of refresh token $1 (hash).
UPDATE daftar.refresh_tokens SET revoked_at = now()
WHERE family = (SELECT family FROM daftar.refresh_tokens WHERE token_hash = $1) AND revoked_at IS NULL
