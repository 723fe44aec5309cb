-- auth_login_begin: reserves a sign-in attempt of officer $1 from the client's
-- address before the password is hashed (address limit $2, account limit $3;
-- see daftar.login_begin) and returns what the attempt needs.
SELECT daftar.login_begin($1, $2::int, $3::int)
