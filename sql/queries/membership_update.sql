-- membership_update: see daftar.membership_update. $1 dept, $2 uid, $3 roles (array literal or null),
-- $4 designation or null, $5 section or null.
SELECT daftar.membership_update($1, $2, $3::text[], $4, $5)
