-- officer_create: see daftar.officer_create. $1 uid, $2 dept, $3 name, $4 designation,
-- $5 roles (text array literal), $6 clearance, $7 password hash.
SELECT daftar.officer_create($1, $2, $3, $4, $5::text[], $6, $7)
