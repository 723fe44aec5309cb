-- me_password_set: the calling officer's new password hash $1; all earlier
-- tokens and refresh tokens stop working; a new refresh family $2 (hash) for
-- the session that changed it, amr $3, lifetime $4 s.
SELECT daftar.password_set($1, $2, $3::text[], $4::int)
