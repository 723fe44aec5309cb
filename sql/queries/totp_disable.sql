-- totp_disable: a department admin removes officer $1's second factor (department $2).
SELECT daftar.totp_disable($1, $2)
