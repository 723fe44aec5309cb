-- note_flag_add: see {schema}.note_flag_add. $1 file, $2 note, $3 kind (receipt | document | note), $4 the receipt's or
-- document's id, $5 the earlier note's number, $6 label, $7 Idempotency-Key or null, $8 the request's hash: a retry
-- answers the first flag (daftar.idempotency_replay).
SELECT coalesce(daftar.idempotency_replay($7, $8),
                daftar.idempotency_keep($7, $8, 'flag', {schema}.note_flag_add($1::uuid, $2::int, $3, $4::uuid, $5::int, $6)))
