-- auth_refresh: rotates refresh token $1 (hash) to $2 (hash) living $3 seconds; $4 the
-- successor sealed under the old token, $5 the replay window in seconds (catalog 0025).
SELECT daftar.refresh_rotate($1, $2, $3::int, $4, $5::int)
