-- auth_login_ok: a successful login of $1 (see daftar.login_ok): refresh token
-- hash $2, amr $3 (text array literal), lifetime $4 s, TOTP step $5 (0 = none),
-- in token generation $8 (the claims' gen login_begin returned); when $7 is
-- not null, the stored hash $6 was of an older cost: $7 replaces it.
SELECT CASE WHEN daftar.login_ok($1, $2, $3::text[], $4::int, $5::bigint, $8::int) THEN daftar.password_rehash($1, $6, $7)
            ELSE 'replay' END
