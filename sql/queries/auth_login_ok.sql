-- auth_login_ok: a successful login of $1 (see daftar.login_ok): refresh token
-- hash $2, amr $3 (text array literal), lifetime $4 s, TOTP step $5 (0 = none).
SELECT CASE WHEN daftar.login_ok($1, $2, $3::text[], $4::int, $5::bigint) THEN 'ok' ELSE 'replay' END
