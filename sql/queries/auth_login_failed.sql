-- auth_login_failed: counts a failed login for officer $1 (locks after 5 in a row).
SELECT daftar.login_record($1, false)
