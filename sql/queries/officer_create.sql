-- officer_create: see daftar.officer_create. $1 uid, $2 dept, $3 name, $4 designation,
-- $5 roles (text array literal), $6 clearance, $7 password hash, $8 Idempotency-Key or null, $9 the
-- request's hash: a retry answers the first officer (daftar.idempotency_replay), with $7 as their
-- temporary password while they have not chosen one (daftar.officer_create_again).
SELECT coalesce(daftar.officer_create_again(daftar.idempotency_replay($8, $9), $7),
                daftar.idempotency_keep($8, $9, 'officer', daftar.officer_create($1, $2, $3, $4, $5::text[], $6, $7)))
