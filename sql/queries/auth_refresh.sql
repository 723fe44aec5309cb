-- auth_refresh: rotates refresh token $1 (hash) to $2 (hash) living $3 seconds.
SELECT daftar.refresh_rotate($1, $2, $3::int)
